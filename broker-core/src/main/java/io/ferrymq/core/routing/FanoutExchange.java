package io.ferrymq.core.routing;

import io.ferrymq.core.message.Message;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Routes to every binding, ignoring the routing key. */
final class FanoutExchange extends Exchange {

    private final CopyOnWriteArrayList<Binding> all = new CopyOnWriteArrayList<>();

    FanoutExchange(String name, boolean durable, boolean autoDelete, boolean internal, Map<String, Object> args) {
        super(name, durable, autoDelete, internal, args);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.FANOUT;
    }

    @Override
    protected void collect(Message message, String routingKey, Consumer<Binding> sink) {
        all.forEach(sink);
    }

    @Override
    public synchronized boolean addBinding(Binding binding) {
        return Bindings.addOrReplace(all, binding);
    }

    @Override
    public synchronized boolean removeBinding(Binding binding) {
        return all.remove(binding);
    }

    @Override
    public List<Binding> bindings() {
        return List.copyOf(all);
    }

    @Override
    public boolean hasBindings() {
        return !all.isEmpty();
    }
}
