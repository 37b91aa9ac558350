package io.ferrymq.core.queue;

import io.ferrymq.core.message.Message;

/**
 * One message's place in one queue. Mutable, and owned by its queue's executor. It doubles as the node
 * of the queue's intrusive ready list, so moving a message between states allocates nothing.
 */
final class MessageReference {

    enum State { READY, IN_FLIGHT, SCHEDULED, GONE }

    /** Shared with the other queues the message went to; it counts their (stored) references. */
    final RoutedMessage routed;
    /**
     * The message with a modify outcome's annotations merged in, kept in memory only (the stored copy keeps
     * its original properties); null until annotated. Held beside {@link #routed}, not in place of it, so
     * that the reference counts that decide when the stored message is deleted stay with the shared copy.
     */
    Message annotated;
    /** Arrival order in the queue; ordering among equals after redelivery. */
    final long seq;
    final boolean stored;
    final int priority;
    final String group;
    long expiresAt;
    long deliverAt;
    int deliveryCount;
    /** Clock millis of the first hand-out (SQS ApproximateFirstReceiveTimestamp); 0 before it. Memory only. */
    long firstDeliveredAt;
    /** Recovered after an unclean stop: it may have been in flight, so its next delivery says redelivered. */
    boolean possiblyDelivered;
    State state = State.READY;

    // In flight:
    long deliveryId;
    Consumer owner;
    long leaseDeadline;
    /** The connection of a lease-less pull (basic.get): only it may settle, and its closing returns it. */
    long pulledBy;
    /**
     * The connection whose open transaction settles this delivery: it stays in flight, whatever becomes
     * of its consumer or lease, until that transaction commits or rolls back.
     */
    long heldByTx;
    /** A consumer that said "undeliverable here" (AMQP modified outcome); it will not get it again. */
    Consumer refusedBy;

    // Ready-list links:
    MessageReference prev;
    MessageReference next;

    MessageReference(RoutedMessage routed, long seq, boolean stored, long expiresAt, long deliverAt) {
        this.routed = routed;
        this.seq = seq;
        this.stored = stored;
        Message m = routed.message();
        this.priority = m.priority();
        this.group = m.groupId();
        this.expiresAt = expiresAt;
        this.deliverAt = deliverAt;
    }

    Message message() {
        return annotated != null ? annotated : routed.message();
    }

    long messageId() {
        return routed.message().id();
    }

    long size() {
        return routed.size();
    }

    boolean isExpired(long now) {
        return expiresAt > 0 && expiresAt <= now;
    }
}
