package io.ferrymq.core.queue;

/**
 * Ready messages in delivery order: highest priority first, arrival order within a priority. One
 * intrusive doubly linked list per priority level gives O(1) append, poll and removal from the middle
 * (a filtered or grouped consumer may take any message), and cheap ordered re-insertion of returned
 * messages, which belong near the head.
 */
final class ReadyList {

    private static final int LEVELS = 10;

    private final MessageReference[] heads = new MessageReference[LEVELS];
    private final MessageReference[] tails = new MessageReference[LEVELS];
    private int size;
    private long bytes;

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addLast(MessageReference r) {
        int p = r.priority;
        r.next = null;
        r.prev = tails[p];
        if (tails[p] == null) {
            heads[p] = r;
        } else {
            tails[p].next = r;
        }
        tails[p] = r;
        added(r);
    }

    /** Inserts by arrival order: for messages coming back (released, scheduled, recovered). */
    void addInOrder(MessageReference r) {
        int p = r.priority;
        MessageReference at = heads[p];
        while (at != null && at.seq < r.seq) {
            at = at.next;
        }
        if (at == null) {
            addLast(r);
            return;
        }
        r.next = at;
        r.prev = at.prev;
        if (at.prev == null) {
            heads[p] = r;
        } else {
            at.prev.next = r;
        }
        at.prev = r;
        added(r);
    }

    MessageReference first() {
        for (int p = LEVELS - 1; p >= 0; p--) {
            if (heads[p] != null) {
                return heads[p];
            }
        }
        return null;
    }

    /** The message after {@code r} in delivery order. */
    MessageReference after(MessageReference r) {
        if (r.next != null) {
            return r.next;
        }
        for (int p = r.priority - 1; p >= 0; p--) {
            if (heads[p] != null) {
                return heads[p];
            }
        }
        return null;
    }

    /** The oldest message of the lowest priority: what drop-head sheds first. */
    MessageReference oldestLowest() {
        for (int p = 0; p < LEVELS; p++) {
            if (heads[p] != null) {
                return heads[p];
            }
        }
        return null;
    }

    void remove(MessageReference r) {
        int p = r.priority;
        if (r.prev == null) {
            heads[p] = r.next;
        } else {
            r.prev.next = r.next;
        }
        if (r.next == null) {
            tails[p] = r.prev;
        } else {
            r.next.prev = r.prev;
        }
        r.prev = null;
        r.next = null;
        size--;
        bytes -= r.size();
    }

    private void added(MessageReference r) {
        size++;
        bytes += r.size();
    }
}
