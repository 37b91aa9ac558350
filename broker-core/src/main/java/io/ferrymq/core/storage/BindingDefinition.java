package io.ferrymq.core.storage;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.routing.BindingTarget;

import java.util.Map;

/** A durable binding as stored: between a durable exchange and a durable queue or exchange. */
public record BindingDefinition(String vhost, String exchange, BindingTarget.Kind targetKind, String target,
                                String key, Map<String, Object> arguments, FilterSpec filter) {

    public BindingDefinition {
        key = key == null ? "" : key;
        // Not Map.copyOf: a headers binding argument may be null, meaning "the property is present".
        arguments = arguments == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }

    /** Same binding identity (the filter is state of the binding, not part of its identity). */
    public boolean sameBinding(BindingDefinition o) {
        return vhost.equals(o.vhost) && exchange.equals(o.exchange) && targetKind == o.targetKind
                && target.equals(o.target) && key.equals(o.key) && arguments.equals(o.arguments);
    }
}
