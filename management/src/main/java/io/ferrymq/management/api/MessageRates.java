package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Broker-wide message counts and their rates per second, RabbitMQ's {@code message_stats} with
 * {@code publish_details.rate}: the rate is the change since the previous sample, taken when someone asks
 * (the console polls every few seconds); samples closer than a second apart keep the previous rate.
 */
final class MessageRates {

    private long lastMillis;
    private long lastPublished;
    private long lastAcked;
    private double publishRate;
    private double ackRate;

    synchronized Map<String, Object> sample(List<Operator.QueueView> queues) {
        long published = 0;
        long acked = 0;
        for (Operator.QueueView q : queues) {
            published += q.stats().enqueued();
            acked += q.stats().acknowledged();
        }
        long now = System.currentTimeMillis();
        if (lastMillis == 0) {
            lastMillis = now;
            lastPublished = published;
            lastAcked = acked;
        } else if (now - lastMillis >= 1000) {
            double seconds = (now - lastMillis) / 1000.0;
            publishRate = Math.max(0, published - lastPublished) / seconds;
            ackRate = Math.max(0, acked - lastAcked) / seconds;
            lastMillis = now;
            lastPublished = published;
            lastAcked = acked;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("publish", published);
        m.put("publish_details", Map.of("rate", publishRate));
        m.put("ack", acked);
        m.put("ack_details", Map.of("rate", ackRate));
        return m;
    }
}
