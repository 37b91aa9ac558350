package io.ferrymq.core.vhost;

import io.ferrymq.core.routing.ExchangeType;

import java.util.Map;

/** A request to create an exchange, or check it exists (passive). */
public record ExchangeDeclaration(String name, ExchangeType type, boolean durable, boolean autoDelete,
                                  boolean internal, Map<String, Object> arguments, boolean passive) {

    public ExchangeDeclaration {
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    public static ExchangeDeclaration durable(String name, ExchangeType type) {
        return new ExchangeDeclaration(name, type, true, false, false, Map.of(), false);
    }
}
