package io.ferrymq.core.routing;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The nameless direct exchange every queue is implicitly bound to by its own name (AMQP 0-9-1's
 * default exchange). Publishing to it with key {@code Q} reaches queue {@code Q}; it takes no
 * explicit bindings.
 */
public final class DefaultExchange extends Exchange {

    public static final String NAME = "";

    private final Function<String, BindingTarget> queues;

    public DefaultExchange(Function<String, BindingTarget> queues) {
        super(NAME, true, false, false, Map.of());
        this.queues = queues;
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.DIRECT;
    }

    /** Straight to the queue, without allocating an implicit binding per message. */
    @Override
    public void route(Message message, String routingKey, RoutingContext ctx) {
        BindingTarget q = queues.apply(routingKey);
        if (q != null) {
            ctx.add(q);
        }
    }

    @Override
    protected void collect(Message message, String routingKey, Consumer<Binding> sink) {
        BindingTarget q = queues.apply(routingKey);
        if (q != null) {
            sink.accept(Binding.of(NAME, q, routingKey));
        }
    }

    @Override
    public boolean addBinding(Binding binding) {
        throw BrokerException.invalid("the default exchange takes no explicit bindings: every queue is already"
                + " reachable through it by its own name");
    }

    @Override
    public boolean removeBinding(Binding binding) {
        throw BrokerException.invalid("the default exchange's implicit bindings cannot be removed");
    }

    @Override
    public List<Binding> bindings() {
        return List.of();
    }

    @Override
    public boolean hasBindings() {
        return false;
    }
}
