package io.ferrymq.core.queue;

import io.ferrymq.core.exec.Clock;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers deduplication ids for a window (SQS FIFO's five minutes, JMS duplicate detection): a message
 * whose id was seen within the window is accepted but not enqueued again. Ids expire in arrival order,
 * so eviction costs constant time per message.
 */
final class Deduplicator {

    private final long windowMillis;
    private final Clock clock;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    Deduplicator(long windowMillis, Clock clock) {
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /** True the first time an id is offered within the window; false for a duplicate. */
    synchronized boolean firstSeen(String id) {
        long now = clock.millis();
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() > now) {
                break;
            }
            it.remove();
        }
        Long until = seen.get(id);
        if (until != null && until > now) {
            return false;
        }
        seen.put(id, now + windowMillis);
        return true;
    }

    /** Forgets an id whose message was not enqueued after all (rejected elsewhere in the same publish). */
    synchronized void forget(String id) {
        seen.remove(id);
    }
}
