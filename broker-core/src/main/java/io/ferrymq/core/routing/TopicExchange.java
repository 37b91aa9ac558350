package io.ferrymq.core.routing;

import io.ferrymq.core.message.Message;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Routes by matching the routing key against binding patterns ({@code *} one word, {@code #} any words). */
final class TopicExchange extends Exchange {

    private final TopicTrie<Binding> trie = new TopicTrie<>();
    /** Kept beside the trie for listing; binding changes are rare next to routing. */
    private final CopyOnWriteArrayList<Binding> all = new CopyOnWriteArrayList<>();

    TopicExchange(String name, boolean durable, boolean autoDelete, boolean internal, Map<String, Object> args) {
        super(name, durable, autoDelete, internal, args);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.TOPIC;
    }

    @Override
    protected void collect(Message message, String routingKey, Consumer<Binding> sink) {
        trie.match(routingKey, sink);
    }

    @Override
    public synchronized boolean addBinding(Binding binding) {
        int i = all.indexOf(binding);
        if (i >= 0) {
            trie.remove(binding.key(), all.get(i));
            trie.add(binding.key(), binding);
            all.set(i, binding);
            return false;
        }
        trie.add(binding.key(), binding);
        all.add(binding);
        return true;
    }

    @Override
    public synchronized boolean removeBinding(Binding binding) {
        int i = all.indexOf(binding);
        if (i < 0) {
            return false;
        }
        trie.remove(binding.key(), all.remove(i));
        return true;
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
