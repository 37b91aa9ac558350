package io.ferrymq.core.queue;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Per-group ordering: while a message of a group is in flight, further messages of that group go only
 * to the receiver holding it (a consumer, or the same pull). SQS FIFO's "a group's next message is not
 * delivered while one is in flight" and JMS message groups are both this rule. A sticky owner (a JMS
 * consumer) keeps its groups after their messages settle, until it {@link #release releases} them.
 */
final class GroupOwners {

    private static final class Owner {
        Object receiver;
        int inFlight;
        boolean sticky;
    }

    private final Map<String, Owner> owners = new HashMap<>();

    /** The receiver a message of {@code group} must go to, or null if any may take it. */
    Object requiredReceiver(String group) {
        if (group == null) {
            return null;
        }
        Owner o = owners.get(group);
        return o == null ? null : o.receiver;
    }

    void delivered(String group, Object receiver) {
        delivered(group, receiver, false);
    }

    /** @return whether {@code receiver} has just become the group's owner (it did not own it before) */
    boolean delivered(String group, Object receiver, boolean sticky) {
        if (group == null) {
            return false;
        }
        Owner o = owners.computeIfAbsent(group, g -> new Owner());
        boolean first = o.receiver != receiver;
        o.receiver = receiver;
        o.sticky = sticky;
        o.inFlight++;
        return first;
    }

    /**
     * A consumer going away gives up its groups: the next message of each goes to whoever takes it. Groups
     * with messages still in flight (held by a transaction) stay blocked until those settle.
     */
    void release(Object receiver) {
        for (Iterator<Owner> it = owners.values().iterator(); it.hasNext(); ) {
            Owner o = it.next();
            if (o.receiver != receiver) {
                continue;
            }
            if (o.inFlight > 0) {
                o.receiver = new Object();
                o.sticky = false;
            } else {
                it.remove();
            }
        }
    }

    void settled(String group) {
        if (group == null) {
            return;
        }
        Owner o = owners.get(group);
        if (o != null && --o.inFlight <= 0) {
            o.inFlight = 0;
            if (!o.sticky) {
                owners.remove(group);
            }
        }
    }

    /** A finished pull hands its groups to no one: they stay blocked until their messages settle. */
    void transfer(Object from, Object to) {
        for (Owner o : owners.values()) {
            if (o.receiver == from) {
                o.receiver = to;
            }
        }
    }

    boolean isEmpty() {
        return owners.isEmpty();
    }
}
