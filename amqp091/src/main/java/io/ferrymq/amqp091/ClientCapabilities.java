package io.ferrymq.amqp091;

import java.util.Map;

/**
 * What the client announced in start-ok's {@code capabilities}: the broker sends basic.cancel and
 * connection.blocked only to clients that said they understand them, as RabbitMQ does.
 *
 * @param connectionName the client's {@code connection_name}, if any (logs and the client id)
 */
record ClientCapabilities(boolean consumerCancelNotify, boolean connectionBlocked, String connectionName) {

    static final ClientCapabilities NONE = new ClientCapabilities(false, false, null);

    static ClientCapabilities of(Map<String, Object> clientProperties) {
        Object caps = clientProperties.get("capabilities");
        Map<?, ?> c = caps instanceof Map<?, ?> m ? m : Map.of();
        Object name = clientProperties.get("connection_name");
        return new ClientCapabilities(Boolean.TRUE.equals(c.get("consumer_cancel_notify")),
                Boolean.TRUE.equals(c.get("connection.blocked")), name == null ? null : name.toString());
    }
}
