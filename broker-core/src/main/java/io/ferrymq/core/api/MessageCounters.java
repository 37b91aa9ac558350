package io.ferrymq.core.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Messages clients sent, were delivered, acknowledged and rejected, per protocol (as a connection's
 * {@code ClientInfo.protocol()} names it), counted at the session so that every adapter is covered. A session finds
 * its protocol's counters once, when it opens; counting a message is one {@link LongAdder} increment.
 */
public final class MessageCounters {

    /** The totals of one protocol since the broker started. */
    public record Counts(String protocol, long received, long delivered, long acknowledged, long rejected) { }

    /** One protocol's counters, held by each of its sessions. */
    static final class Counters {
        final LongAdder received = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LongAdder acknowledged = new LongAdder();
        final LongAdder rejected = new LongAdder();
    }

    /** For sessions the broker does not count (its own system sessions). */
    static final Counters UNCOUNTED = new Counters();

    private final ConcurrentHashMap<String, Counters> byProtocol = new ConcurrentHashMap<>();

    Counters forProtocol(String protocol) {
        return byProtocol.computeIfAbsent(protocol == null ? "unknown" : protocol, p -> new Counters());
    }

    /** Every protocol that has had a connection, by name. */
    public List<Counts> snapshot() {
        List<Counts> out = new ArrayList<>();
        byProtocol.forEach((p, c) -> out.add(new Counts(p, c.received.sum(), c.delivered.sum(), c.acknowledged.sum(),
                c.rejected.sum())));
        out.sort(Comparator.comparing(Counts::protocol));
        return out;
    }
}
