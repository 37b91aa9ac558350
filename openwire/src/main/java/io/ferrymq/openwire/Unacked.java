package io.ferrymq.openwire;

import java.util.ArrayList;
import java.util.List;

/**
 * A consumer's deliveries awaiting acknowledgement, in order of their broker sequence. Dispatches arrive in that
 * order and acknowledgements mostly take from the front, so the deliveries sit in an array that is appended to and
 * taken from at its head: a tree map paid a node and a rebalancing per dispatch, a tenth of the broker's time at
 * high rates. Only a delivery put back after a rolled back transaction goes in out of order, at its place.
 */
final class Unacked {

    /** From {@code head} on, ascending by {@code seq}; before it, taken slots (null) not yet compacted away. */
    private final ArrayList<OpenwireConsumer.Dispatched> items = new ArrayList<>();
    private int head;

    int size() {
        return items.size() - head;
    }

    /** Adds {@code d}, replacing a delivery of the same sequence. */
    void put(OpenwireConsumer.Dispatched d) {
        int size = items.size();
        if (size == head || items.get(size - 1).seq < d.seq) {
            items.add(d);
            return;
        }
        int at = firstAtLeast(d.seq);
        if (at < size && items.get(at).seq == d.seq) {
            items.set(at, d);
        } else {
            items.add(at, d);
        }
    }

    /** Takes out the deliveries up to and including {@code last}, oldest first. */
    List<OpenwireConsumer.Dispatched> takeThrough(long last) {
        return takeRange(Long.MIN_VALUE, last);
    }

    /** Takes out the deliveries from {@code first} to {@code last}, both included, oldest first. */
    List<OpenwireConsumer.Dispatched> takeRange(long first, long last) {
        int from = firstAtLeast(first);
        int to = firstAtLeast(last == Long.MAX_VALUE ? last : last + 1);
        if (from >= to) {
            return List.of();
        }
        List<OpenwireConsumer.Dispatched> taken = new ArrayList<>(items.subList(from, to));
        if (from == head) {
            for (int i = from; i < to; i++) {
                items.set(i, null);
            }
            head = to;
            compact();
        } else {
            items.subList(from, to).clear();
        }
        return taken;
    }

    /** The deliveries up to and including {@code last} that have not had their credit given back yet. */
    List<OpenwireConsumer.Dispatched> uncreditedThrough(long last) {
        List<OpenwireConsumer.Dispatched> found = new ArrayList<>();
        for (int i = head; i < items.size() && items.get(i).seq <= last; i++) {
            if (!items.get(i).credited) {
                found.add(items.get(i));
            }
        }
        return found;
    }

    /** The deliveries after {@code seq}, oldest first (a copy). */
    List<OpenwireConsumer.Dispatched> after(long seq) {
        int from = firstAtLeast(seq == Long.MAX_VALUE ? seq : seq + 1);
        return new ArrayList<>(items.subList(from, items.size()));
    }

    void clear() {
        items.clear();
        head = 0;
    }

    /** The index of the first delivery at or after {@code seq} (the end if none). */
    private int firstAtLeast(long seq) {
        int lo = head;
        int hi = items.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (items.get(mid).seq < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Drops the taken slots once they are the larger part, so that taking from the head stays cheap. */
    private void compact() {
        if (head == items.size()) {
            items.clear();
            head = 0;
        } else if (head > 32 && head >= items.size() - head) {
            items.subList(0, head).clear();
            head = 0;
        }
    }
}
