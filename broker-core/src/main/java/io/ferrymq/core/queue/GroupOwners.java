package io.ferrymq.core.queue;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-group ordering: while a message of a group is in flight, further messages of that group go only
 * to the receiver holding it (a consumer, or the same pull). SQS FIFO's "a group's next message is not
 * delivered while one is in flight" and JMS message groups are both this rule.
 */
final class GroupOwners {

    private static final class Owner {
        Object receiver;
        int inFlight;
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
        if (group == null) {
            return;
        }
        Owner o = owners.computeIfAbsent(group, g -> new Owner());
        o.receiver = receiver;
        o.inFlight++;
    }

    void settled(String group) {
        if (group == null) {
            return;
        }
        Owner o = owners.get(group);
        if (o != null && --o.inFlight <= 0) {
            owners.remove(group);
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
