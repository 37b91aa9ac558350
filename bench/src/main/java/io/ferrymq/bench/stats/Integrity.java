package io.ferrymq.bench.stats;

/**
 * Whether every message arrived exactly once, in order.
 *
 * @param expected   deliveries the run should have seen: each sent message once per receiving group
 *                   (once for a queue, once per subscriber for a topic)
 * @param delivered  deliveries seen, duplicates included
 * @param lost       expected deliveries that never came
 * @param duplicated deliveries beyond the first of the same message to the same group
 * @param outOfOrder first deliveries that came after a later message of the same producer, per consumer
 * @param unexpected deliveries that belong to no producer of the run (no stamp, or a sequence never sent)
 * @param lostConfirmed the lost deliveries of messages the broker had confirmed (receipt): a broken promise,
 *                      where a lost unconfirmed message may only mean the connection failed before it was safe
 */
public record Integrity(long expected, long delivered, long lost, long duplicated, long outOfOrder, long unexpected,
                        long lostConfirmed) {

    public static final Integrity NONE = new Integrity(0, 0, 0, 0, 0, 0, 0);

    public Integrity plus(Integrity o) {
        return new Integrity(expected + o.expected, delivered + o.delivered, lost + o.lost,
                duplicated + o.duplicated, outOfOrder + o.outOfOrder, unexpected + o.unexpected,
                lostConfirmed + o.lostConfirmed);
    }

    /** No loss, no duplicate, nothing unexpected (reordering is reported but allowed). */
    public boolean clean() {
        return lost == 0 && duplicated == 0 && unexpected == 0;
    }
}
