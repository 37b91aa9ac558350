package io.ferrymq.openwire;

import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ConsumerInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * One JMS consumer: its core subscriptions (one per part of a composite destination, none for an advisory topic)
 * and the deliveries it has not acknowledged, in dispatch order, by the sequence number the broker put in each
 * message id (its {@code brokerSequenceId}, which acknowledgements carry back).
 */
final class OpenwireConsumer {

    /** A delivery awaiting its acknowledgement; {@code credited} once a delivered-ack already gave its credit back. */
    static final class Dispatched {
        final long seq;
        final Delivery delivery;
        boolean credited;

        Dispatched(long seq, Delivery delivery) {
            this.seq = seq;
            this.delivery = delivery;
        }
    }

    final ConsumerInfo info;
    final List<Subscription> subscriptions = new ArrayList<>();
    final Unacked unacked = new Unacked();
    boolean closing;
    /** A MessagePull is waiting for a message (prefetch 0). */
    boolean pulling;
    /** The advisories of temporary queues and topics this consumer watches (the JMS client's advisory consumer). */
    boolean watchesTempQueues;
    boolean watchesTempTopics;
    TempDestinations.Watcher watcher;
    /** The other advisory topics this consumer watches, and what stops each watch. */
    final List<ActiveMQDestination> advisoryTopics = new ArrayList<>();
    final List<Runnable> advisoryWatches = new ArrayList<>();
    /** The destinations it consumes from, as the consumer advisories name them. */
    final List<ActiveMQDestination> consumed = new ArrayList<>();
    /** What each {@link FrameDispatch} to it starts with, made at the first ({@link OpenwireCodec#dispatchHeader}). */
    byte[] frameHeader;

    OpenwireConsumer(ConsumerInfo info) {
        this.info = info;
    }

    int prefetch() {
        return info.getPrefetchSize();
    }

    /**
     * Puts back a delivery whose acknowledgement was rolled back with its transaction: the client redelivers it
     * itself and acknowledges it again. Its credit was given back already.
     */
    void restore(Dispatched d) {
        if (!closing) {
            d.credited = true;
            unacked.put(d);
        }
    }
}
