package io.ferrymq.tests.matrix;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one cell's messages go: a queue {@code queue} bound to {@code amq.topic} with the routing key
 * {@code topicKey}, so a message sent to either name reaches the queue (DESIGN.md, "Names across
 * protocols"). {@code route} is how the receiver listens; the sender addresses that side.
 */
public record Destination(String queue, String topicKey, Route route) {

    /** How a receiver reads: from the queue itself, or through its own subscription to the topic key. */
    public enum Route { QUEUE, TOPIC }

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** A fresh destination; names are valid for every protocol (SQS: letters, digits, '-', '_'). */
    public static Destination fresh(Route route) {
        String id = Long.toString(System.nanoTime(), 36) + "x" + SEQUENCE.incrementAndGet();
        return new Destination("matrix-" + id, "matrix." + id, route);
    }

    /** The topic key as an MQTT topic: levels separated by '/'. */
    public String mqttTopic() {
        return topicKey.replace('.', '/');
    }
}
