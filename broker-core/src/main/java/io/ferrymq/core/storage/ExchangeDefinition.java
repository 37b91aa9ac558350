package io.ferrymq.core.storage;

import io.ferrymq.core.routing.ExchangeType;

import java.util.Map;

/** A durable exchange as stored. */
public record ExchangeDefinition(String vhost, String name, ExchangeType type, boolean autoDelete, boolean internal,
                                 Map<String, Object> arguments) {

    public ExchangeDefinition {
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }
}
