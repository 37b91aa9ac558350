package io.ferrymq.core.routing;

import io.ferrymq.core.message.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Routes to the bindings whose key equals the routing key. */
final class DirectExchange extends Exchange {

    private final Map<String, CopyOnWriteArrayList<Binding>> byKey = new ConcurrentHashMap<>();

    DirectExchange(String name, boolean durable, boolean autoDelete, boolean internal, Map<String, Object> args) {
        super(name, durable, autoDelete, internal, args);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.DIRECT;
    }

    @Override
    protected void collect(Message message, String routingKey, Consumer<Binding> sink) {
        List<Binding> list = byKey.get(routingKey);
        if (list != null) {
            list.forEach(sink);
        }
    }

    @Override
    public synchronized boolean addBinding(Binding binding) {
        return Bindings.addOrReplace(byKey.computeIfAbsent(binding.key(), k -> new CopyOnWriteArrayList<>()), binding);
    }

    @Override
    public synchronized boolean removeBinding(Binding binding) {
        List<Binding> list = byKey.get(binding.key());
        if (list == null || !list.remove(binding)) {
            return false;
        }
        if (list.isEmpty()) {
            byKey.remove(binding.key());
        }
        return true;
    }

    @Override
    public List<Binding> bindings() {
        List<Binding> all = new ArrayList<>();
        byKey.values().forEach(all::addAll);
        return all;
    }

    @Override
    public boolean hasBindings() {
        return !byKey.isEmpty();
    }
}
