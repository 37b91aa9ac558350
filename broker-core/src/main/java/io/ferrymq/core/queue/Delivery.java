package io.ferrymq.core.queue;

import io.ferrymq.core.message.Message;

/**
 * A message handed to a consumer (or a pull), to be settled by {@code (queue, deliveryId)}.
 *
 * @param deliveryId    0 for deliveries that need no settlement (auto-settled, browsed)
 * @param deliveryCount this delivery included: 1 on the first delivery
 * @param redelivered   it may have been delivered before (an earlier attempt, or a crash while in flight)
 * @param subscription  the push subscription it came through; null for pulls
 */
public record Delivery(Queue queue, long deliveryId, Message message, int deliveryCount, boolean redelivered,
                       Subscription subscription) {

    public String queueName() {
        return queue.name();
    }

    public boolean needsSettlement() {
        return deliveryId != 0;
    }
}
