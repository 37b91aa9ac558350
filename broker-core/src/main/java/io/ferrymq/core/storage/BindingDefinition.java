package io.ferrymq.core.storage;

import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.FilterSpec;

import java.util.Map;

/** A durable binding as stored: between a durable exchange and a durable queue or exchange. */
public record BindingDefinition(String vhost, String exchange, BindingTarget.Kind targetKind, String target,
                                String key, Map<String, Object> arguments, FilterSpec filter) {

    public BindingDefinition {
        key = key == null ? "" : key;
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    /** Same binding identity (the filter is state of the binding, not part of its identity). */
    public boolean sameBinding(BindingDefinition o) {
        return vhost.equals(o.vhost) && exchange.equals(o.exchange) && targetKind == o.targetKind
                && target.equals(o.target) && key.equals(o.key) && arguments.equals(o.arguments);
    }
}
