package io.ferrymq.core.routing;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Topic subscriptions indexed as a word trie, so matching a routing key costs the depth of the key
 * rather than the number of subscriptions. Reads are lock-free; writers synchronise on the trie.
 *
 * <p>As MQTT requires, a key whose first word starts with {@code $} (such as {@code $SYS.broker.load})
 * is not matched by a pattern that starts with a wildcard: only patterns naming that word see it.
 *
 * @param <T> what is stored at each pattern (bindings)
 */
public final class TopicTrie<T> {

    private final Node<T> root = new Node<>();

    private static final class Node<T> {
        final Map<String, Node<T>> children = new ConcurrentHashMap<>();
        final Collection<T> values = new CopyOnWriteArraySet<>();

        boolean isEmpty() {
            return children.isEmpty() && values.isEmpty();
        }
    }

    public synchronized void add(String pattern, T value) {
        Node<T> node = root;
        for (String w : Words.split(pattern)) {
            node = node.children.computeIfAbsent(w, k -> new Node<>());
        }
        node.values.add(value);
    }

    public synchronized boolean remove(String pattern, T value) {
        return remove(root, Words.split(pattern), 0, value);
    }

    private boolean remove(Node<T> node, String[] words, int i, T value) {
        if (i == words.length) {
            return node.values.remove(value);
        }
        Node<T> child = node.children.get(words[i]);
        if (child == null) {
            return false;
        }
        boolean removed = remove(child, words, i + 1, value);
        if (removed && child.isEmpty()) {
            node.children.remove(words[i], child);
        }
        return removed;
    }

    /**
     * Calls {@code sink} for each value whose pattern matches {@code key}. A value reached through
     * several paths (patterns such as {@code #.#}) may be reported more than once; callers collect
     * into sets.
     */
    public void match(String key, Consumer<T> sink) {
        String[] words = Words.split(key);
        boolean dollar = !words[0].isEmpty() && words[0].charAt(0) == '$';
        match(root, words, 0, sink, dollar);
    }

    private void match(Node<T> node, String[] words, int i, Consumer<T> sink, boolean dollarAtRoot) {
        Node<T> any = dollarAtRoot ? null : node.children.get(Words.ANY);
        if (i == words.length) {
            node.values.forEach(sink);
            if (any != null) {
                match(any, words, i, sink, false); // '#' also matches zero words: "a.#" matches "a"
            }
            return;
        }
        Node<T> exact = node.children.get(words[i]);
        if (exact != null) {
            match(exact, words, i + 1, sink, false);
        }
        if (dollarAtRoot) {
            return;
        }
        Node<T> one = node.children.get(Words.ONE);
        if (one != null) {
            match(one, words, i + 1, sink, false);
        }
        if (any != null) {
            for (int k = i; k <= words.length; k++) {
                match(any, words, k, sink, false);
            }
        }
    }

    public boolean isEmpty() {
        return root.isEmpty();
    }
}
