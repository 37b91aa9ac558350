package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Remembers deduplication ids for a window (SQS FIFO's five minutes, JMS duplicate detection): a message
 * whose id was seen within the window is accepted but not enqueued again. Ids expire in arrival order,
 * so eviction costs constant time per message. A durable queue also journals each id (see
 * {@link Queue#deduplicationRecord}), so a restart inside the window does not let a resend through.
 */
final class Deduplicator {

    private final long windowMillis;
    private final Clock clock;
    /** Told of each id that leaves the window, so that a durable copy of it can go too. */
    private final Consumer<String> expired;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    Deduplicator(long windowMillis, Clock clock, Consumer<String> expired) {
        this.windowMillis = windowMillis;
        this.clock = clock;
        this.expired = expired;
    }

    /** True the first time an id is offered within the window; false for a duplicate. */
    synchronized boolean firstSeen(String id) {
        long now = clock.millis();
        evictUntil(now);
        Long until = seen.get(id);
        if (until != null && until > now) {
            return false;
        }
        seen.put(id, now + windowMillis);
        return true;
    }

    private void evictUntil(long now) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() > now) {
                break;
            }
            it.remove();
            expired.accept(e.getKey());
        }
    }

    /** When a remembered id leaves the window; 0 when it is not remembered. */
    synchronized long until(String id) {
        Long until = seen.get(id);
        return until == null ? 0 : until;
    }

    /**
     * Remembers an id recovered from storage until {@code until}, unless that has passed.
     *
     * @return whether it is remembered
     */
    synchronized boolean restore(String id, long until) {
        if (until <= clock.millis()) {
            return false;
        }
        seen.put(id, until);
        return true;
    }

    /** Forgets an id whose message was not enqueued after all (rejected elsewhere in the same publish). */
    synchronized void forget(String id) {
        seen.remove(id);
    }
}
