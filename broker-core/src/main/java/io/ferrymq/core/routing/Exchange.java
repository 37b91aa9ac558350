package io.ferrymq.core.routing;

import io.ferrymq.core.message.Message;

import java.util.List;
import java.util.Map;

/**
 * A named routing point. Routing runs on the publisher's thread, concurrently with other publishers,
 * so implementations keep lock-free read paths and synchronise only binding changes.
 */
public abstract class Exchange implements BindingTarget {

    private final String name;
    private final boolean durable;
    private final boolean autoDelete;
    private final boolean internal;
    private final Map<String, Object> arguments;

    protected Exchange(String name, boolean durable, boolean autoDelete, boolean internal, Map<String, Object> arguments) {
        this.name = name;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.internal = internal;
        this.arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    /** Creates an empty exchange of the given type. */
    public static Exchange create(ExchangeType type, String name, boolean durable, boolean autoDelete,
                                  boolean internal, Map<String, Object> arguments) {
        return switch (type) {
            case DIRECT -> new DirectExchange(name, durable, autoDelete, internal, arguments);
            case FANOUT -> new FanoutExchange(name, durable, autoDelete, internal, arguments);
            case TOPIC -> new TopicExchange(name, durable, autoDelete, internal, arguments);
            case HEADERS -> new HeadersExchange(name, durable, autoDelete, internal, arguments);
        };
    }

    @Override
    public final String name() { return name; }

    @Override
    public final Kind kind() { return Kind.EXCHANGE; }

    public abstract ExchangeType type();

    public final boolean durable() { return durable; }
    public final boolean autoDelete() { return autoDelete; }
    /** Internal exchanges take messages only from other exchanges, never from publishers. */
    public final boolean internal() { return internal; }
    public final Map<String, Object> arguments() { return arguments; }

    /** Routes into {@code ctx}; bindings to other exchanges are followed. */
    public void route(Message message, String routingKey, RoutingContext ctx) {
        if (!ctx.enter(this)) {
            return;
        }
        collect(message, routingKey, binding -> {
            if (!binding.accepts(message)) {
                return;
            }
            if (binding.target() instanceof Exchange next) {
                next.route(message, routingKey, ctx);
            } else {
                ctx.add(binding.target());
            }
        });
    }

    protected abstract void collect(Message message, String routingKey, java.util.function.Consumer<Binding> sink);

    /** @return false if an equal binding existed (the filter of an equal binding is replaced). */
    public abstract boolean addBinding(Binding binding);

    public abstract boolean removeBinding(Binding binding);

    public abstract List<Binding> bindings();

    public boolean hasBindings() {
        return !bindings().isEmpty();
    }

    @Override
    public String toString() {
        return type().wireName() + " exchange '" + name + "'";
    }
}
