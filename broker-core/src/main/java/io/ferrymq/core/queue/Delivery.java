package io.ferrymq.core.queue;

import io.ferrymq.core.message.Message;

/**
 * A message handed to a consumer (or a pull), to be settled by {@code (queue, deliveryId)}.
 *
 * @param deliveryId    0 for deliveries that need no settlement (auto-settled, browsed)
 * @param deliveryCount this delivery included: 1 on the first delivery
 * @param redelivered   it may have been delivered before (an earlier attempt, or a crash while in flight)
 * @param subscription  the push subscription it came through; null for pulls
 * @param firstDeliveredAt when this queue first handed the message out (clock millis), this delivery if it is the
 *                      first; kept in memory only, so after a restart it is the first delivery since then
 * @param firstOfGroup  the message has a group and its consumer has just become that group's owner (JMS
 *                      {@code JMSXGroupFirstForConsumer})
 */
public record Delivery(Queue queue, long deliveryId, Message message, int deliveryCount, boolean redelivered,
                       Subscription subscription, long firstDeliveredAt, boolean firstOfGroup) {

    public Delivery(Queue queue, long deliveryId, Message message, int deliveryCount, boolean redelivered,
                    Subscription subscription, long firstDeliveredAt) {
        this(queue, deliveryId, message, deliveryCount, redelivered, subscription, firstDeliveredAt, false);
    }

    public String queueName() {
        return queue.name();
    }

    public boolean needsSettlement() {
        return deliveryId != 0;
    }
}
