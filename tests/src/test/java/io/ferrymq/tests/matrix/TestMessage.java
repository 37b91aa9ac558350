package io.ferrymq.tests.matrix;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a cell sends. An endpoint puts in what its protocol carries and leaves out the rest (its
 * {@link Capabilities} say which). Every message is persistent (QoS 1 for MQTT), so that it can be redelivered
 * and survives a restart.
 *
 * @param contentType  null: the protocol's plain form for text or bytes
 * @param priority     null: the protocol's default
 * @param ttlMillis    null: never expires
 */
public record TestMessage(byte[] body, boolean text, String contentType, Map<String, String> properties,
                          Integer priority, Long ttlMillis) {

    public TestMessage {
        properties = Map.copyOf(properties);
    }

    public static TestMessage text(String body) {
        return new TestMessage(body.getBytes(StandardCharsets.UTF_8), true, null, Map.of(), null, null);
    }

    public static TestMessage binary(byte[] body) {
        return new TestMessage(body.clone(), false, null, Map.of(), null, null);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public TestMessage withContentType(String v) {
        return new TestMessage(body, text, v, properties, priority, ttlMillis);
    }

    public TestMessage withProperties(Map<String, String> v) {
        return new TestMessage(body, text, contentType, v, priority, ttlMillis);
    }

    public TestMessage withPriority(int v) {
        return new TestMessage(body, text, contentType, properties, v, ttlMillis);
    }

    public TestMessage withTtl(long millis) {
        return new TestMessage(body, text, contentType, properties, priority, millis);
    }
}
