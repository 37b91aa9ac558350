package io.ferrymq.core.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A queue's delivered but unsettled messages by delivery id, with the bookkeeping that goes with
 * entering and leaving that state (consumer and group counts). Owned by the queue's executor.
 */
final class InFlightDeliveries {

    private final Map<Long, MessageReference> byDeliveryId = new HashMap<>();
    private final GroupOwners groups;
    private final QueueCounters counters;
    private long nextDeliveryId;

    InFlightDeliveries(GroupOwners groups, QueueCounters counters) {
        this.groups = groups;
        this.counters = counters;
    }

    void put(MessageReference ref, Consumer owner) {
        ref.state = MessageReference.State.IN_FLIGHT;
        ref.deliveryId = ++nextDeliveryId;
        ref.owner = owner;
        byDeliveryId.put(ref.deliveryId, ref);
        counters.inFlight = byDeliveryId.size();
    }

    void leave(MessageReference ref) {
        byDeliveryId.remove(ref.deliveryId);
        counters.inFlight = byDeliveryId.size();
        if (ref.owner != null) {
            ref.owner.inFlight--;
        }
        groups.settled(ref.group);
        ref.owner = null;
        ref.leaseDeadline = 0;
        ref.pulledBy = 0;
        ref.heldByTx = 0;
    }

    /** Null when {@code deliveryId} is not outstanding. */
    MessageReference get(long deliveryId) {
        return byDeliveryId.get(deliveryId);
    }

    /** The outstanding deliveries that match, in arrival order (so that they go back in it). */
    List<MessageReference> inOrder(Predicate<MessageReference> which) {
        List<MessageReference> out = new ArrayList<>();
        for (MessageReference r : byDeliveryId.values()) {
            if (which.test(r)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparingLong(r -> r.seq));
        return out;
    }

    Collection<MessageReference> all() {
        return byDeliveryId.values();
    }

    int size() {
        return byDeliveryId.size();
    }

    /** Forgets every delivery without settling it (queue deletion). */
    void clear() {
        byDeliveryId.clear();
        counters.inFlight = 0;
    }
}
