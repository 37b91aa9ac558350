package io.ferrymq.core.storage;

import java.util.Map;

/** A durable queue as stored: enough to re-declare it on recovery. */
public record QueueDefinition(long id, String vhost, String name, boolean autoDelete, Map<String, Object> arguments) {

    public QueueDefinition {
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }
}
