package io.ferrymq.core.queue;

import io.ferrymq.core.message.Message;

/**
 * The copy of a message that goes to a dead-letter or expiry target: RabbitMQ's {@code x-death} facts as
 * properties every protocol can read, and no expiry or delay of its own (it would expire again at once).
 */
final class DeadLetterCopy {

    private DeadLetterCopy() {
    }

    static Message of(Message m, String queue, String reason, String detail, int deliveryCount, long now) {
        Message.Builder b = m.toBuilder().id(0).expiration(0).deliveryTime(0)
                .property("x-death-reason", reason)
                .property("x-death-queue", queue)
                .property("x-death-exchange", m.address())
                .property("x-death-routing-key", m.routingKey())
                .property("x-death-time", now)
                .property("x-delivery-count", deliveryCount);
        if (detail != null) {
            b.property("x-death-detail", detail);
        } else {
            b.removeProperty("x-death-detail");
        }
        if (!m.properties().containsKey("x-first-death-reason")) {
            b.property("x-first-death-reason", reason).property("x-first-death-queue", queue);
        }
        return b.build();
    }
}
