package io.ferrymq.core.queue;

/**
 * How the queue chooses a consumer among several, beyond plain round-robin.
 *
 * @param priority        consumers of a higher priority get messages first; lower ones only while every
 *                        higher one is blocked (no credit, or the message does not match): RabbitMQ's
 *                        {@code x-priority}, ActiveMQ's {@code consumer.priority}
 * @param exclusiveActive ActiveMQ's exclusive consumer: while one lives, the oldest of the highest priority
 *                        receives everything and the other consumers wait; when it goes, the next takes over.
 *                        Unlike {@link ConsumeOptions#exclusive()}, other consumers may attach
 * @param stickyGroups    a message group, once given to this consumer, stays with it until it closes (JMS
 *                        message groups), not only while one of its messages is in flight
 */
public record ConsumerDispatch(int priority, boolean exclusiveActive, boolean stickyGroups) {

    public static final ConsumerDispatch DEFAULT = new ConsumerDispatch(0, false, false);
}
