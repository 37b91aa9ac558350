package io.ferrymq.core.routing;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.filter.MessageFilter;

import java.util.Map;
import java.util.Objects;

/**
 * A route from an exchange to a target. Its identity is (exchange, target, key, arguments), as in
 * AMQP 0-9-1; the optional filter is extra state of the binding (an SNS subscription may change its
 * filter policy without becoming another subscription).
 */
public record Binding(String exchange, BindingTarget target, String key, Map<String, Object> arguments,
                      FilterSpec filterSpec, MessageFilter filter) {

    public Binding {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(target, "target");
        key = key == null ? "" : key;
        // Not Map.copyOf: a headers binding argument may be null, meaning "the property is present".
        arguments = arguments == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }

    public static Binding of(String exchange, BindingTarget target, String key) {
        return new Binding(exchange, target, key, Map.of(), null, null);
    }

    public boolean accepts(io.ferrymq.core.message.Message m) {
        return filter == null || filter.test(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Binding b && exchange.equals(b.exchange) && target == b.target
                && key.equals(b.key) && arguments.equals(b.arguments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exchange, System.identityHashCode(target), key, arguments);
    }

    @Override
    public String toString() {
        return "Binding[" + exchange + " -(" + key + ")-> " + target.kind().name().toLowerCase() + " " + target.name()
                + (filterSpec == null ? "" : " where " + filterSpec.expression()) + "]";
    }
}
