package io.ferrymq.core.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The push consumers of one priority in attach order, chosen round-robin; {@link ConsumerLevels} holds one
 * per priority and decides when only one consumer may receive.
 */
final class ConsumerRing {

    private final List<Consumer> consumers = new ArrayList<>();
    private int next;

    void add(Consumer c) {
        consumers.add(c);
    }

    boolean remove(Consumer c) {
        int i = consumers.indexOf(c);
        if (i < 0) {
            return false;
        }
        consumers.remove(i);
        if (next > i) {
            next--;
        }
        if (next >= consumers.size()) {
            next = 0;
        }
        return true;
    }

    boolean isEmpty() {
        return consumers.isEmpty();
    }

    int size() {
        return consumers.size();
    }

    List<Consumer> all() {
        return consumers;
    }

    boolean anyExclusive() {
        for (Consumer c : consumers) {
            if (c.options.exclusive()) {
                return true;
            }
        }
        return false;
    }

    /** Whether any non-browsing consumer could take something now. */
    boolean anyCredit() {
        for (Consumer c : consumers) {
            if (c.options.browse()) {
                continue;
            }
            if (c.hasCredit()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The next consumer, in turn, that has credit and accepts {@code ref}; null if none. Advances the
     * turn past the chosen one.
     */
    Consumer pick(MessageReference ref, Object requiredOwner) {
        int n = consumers.size();
        for (int k = 0; k < n; k++) {
            int i = (next + k) % n;
            Consumer c = consumers.get(i);
            if (c.options.browse()) {
                continue;
            }
            if (c.hasCredit() && (requiredOwner == null || requiredOwner == c) && c.accepts(ref)) {
                next = (i + 1) % n;
                return c;
            }
        }
        return null;
    }
}
