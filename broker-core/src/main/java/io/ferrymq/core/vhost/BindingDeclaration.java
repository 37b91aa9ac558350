package io.ferrymq.core.vhost;

import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.routing.BindingTarget;

import java.util.Map;

/** A binding to add or remove: from an exchange to a queue (or another exchange). */
public record BindingDeclaration(String exchange, BindingTarget.Kind targetKind, String target, String key,
                                 Map<String, Object> arguments, FilterSpec filter) {

    public BindingDeclaration {
        key = key == null ? "" : key;
        // Not Map.copyOf: a headers binding argument may be null, meaning "the property is present".
        arguments = arguments == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    }

    public static BindingDeclaration queue(String exchange, String queue, String key) {
        return new BindingDeclaration(exchange, BindingTarget.Kind.QUEUE, queue, key, Map.of(), null);
    }

    public BindingDeclaration withFilter(FilterSpec f) {
        return new BindingDeclaration(exchange, targetKind, target, key, arguments, f);
    }

    public BindingDeclaration withArguments(Map<String, Object> args) {
        return new BindingDeclaration(exchange, targetKind, target, key, args, filter);
    }
}
