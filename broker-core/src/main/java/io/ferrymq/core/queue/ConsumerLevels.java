package io.ferrymq.core.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The queue's push consumers by priority, each priority a {@link ConsumerRing}: a message goes to the
 * highest priority with a consumer that can take it, round-robin within that priority, so lower ones get
 * messages only while every higher one is blocked (RabbitMQ consumer priorities).
 *
 * <p>When only one consumer may receive, it is the first in that order: among ActiveMQ-style exclusive
 * consumers if there are any (the others, exclusive or not, wait), else among all of them on a
 * single-active-consumer queue. When it goes, the next one in that order takes over. When a consumer of higher
 * priority arrives on a single-active-consumer queue, the hand-over is graceful, as in RabbitMQ: the active consumer
 * gets nothing more but keeps its unsettled messages, and the newcomer takes over once those are settled, so two
 * consumers never hold the queue's messages at once.
 */
final class ConsumerLevels {

    private final TreeMap<Integer, ConsumerRing> levels = new TreeMap<>(Comparator.reverseOrder());
    private int size;
    private int exclusiveActives;
    /** On a single-active-consumer queue, the consumer that holds it: it may still be settling before a hand-over. */
    private Consumer current;

    void add(Consumer c) {
        levels.computeIfAbsent(c.options.dispatch().priority(), p -> new ConsumerRing()).add(c);
        size++;
        if (c.options.dispatch().exclusiveActive()) {
            exclusiveActives++;
        }
    }

    boolean remove(Consumer c) {
        int priority = c.options.dispatch().priority();
        ConsumerRing ring = levels.get(priority);
        if (ring == null || !ring.remove(c)) {
            return false;
        }
        if (ring.isEmpty()) {
            levels.remove(priority);
        }
        size--;
        if (c.options.dispatch().exclusiveActive()) {
            exclusiveActives--;
        }
        if (c == current) {
            current = null;
        }
        return true;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** A copy, highest priority first, each priority in attach order. */
    List<Consumer> all() {
        List<Consumer> all = new ArrayList<>(size);
        for (ConsumerRing ring : levels.values()) {
            all.addAll(ring.all());
        }
        return all;
    }

    void clear() {
        levels.clear();
        size = 0;
        exclusiveActives = 0;
        current = null;
    }

    boolean anyExclusive() {
        for (ConsumerRing ring : levels.values()) {
            if (ring.anyExclusive()) {
                return true;
            }
        }
        return false;
    }

    /** The one consumer that may receive now, or null when any may (see the class comment). */
    Consumer active(boolean singleActive) {
        if (exclusiveActives > 0) {
            for (ConsumerRing ring : levels.values()) {
                for (Consumer c : ring.all()) {
                    if (c.options.dispatch().exclusiveActive()) {
                        return c;
                    }
                }
            }
        }
        if (singleActive && !levels.isEmpty()) {
            Consumer first = levels.firstEntry().getValue().all().get(0);
            if (current == null || current.inFlight == 0) {
                current = first;
            }
            return current;
        }
        return null;
    }

    /** Whether the single active consumer is handing over to one of higher priority: nobody receives meanwhile. */
    private boolean handingOver(boolean singleActive) {
        return exclusiveActives == 0 && singleActive && current != null
                && current != levels.firstEntry().getValue().all().get(0);
    }

    /** Whether any consumer that may receive could take something now. */
    boolean anyCredit(boolean singleActive) {
        if (exclusiveActives > 0 || singleActive) {
            Consumer active = active(singleActive);
            return active != null && active.hasCredit() && !handingOver(singleActive);
        }
        for (ConsumerRing ring : levels.values()) {
            if (ring.anyCredit()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The consumer for {@code ref}: the active one if only one may receive, else the next in turn of the
     * highest priority that has credit and accepts it (and is {@code requiredOwner}, if given); null if none.
     */
    Consumer pick(MessageReference ref, boolean singleActive, Object requiredOwner) {
        if (exclusiveActives > 0 || singleActive) {
            Consumer c = active(singleActive);
            return c != null && c.hasCredit() && !handingOver(singleActive)
                    && (requiredOwner == null || requiredOwner == c) && c.accepts(ref) ? c : null;
        }
        for (ConsumerRing ring : levels.values()) {
            Consumer c = ring.pick(ref, requiredOwner);
            if (c != null) {
                return c;
            }
        }
        return null;
    }
}
