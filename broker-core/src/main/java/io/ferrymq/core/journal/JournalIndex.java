package io.ferrymq.core.journal;

import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.StorageRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Where every live record is, and how many bytes of each segment are still live. Compaction asks it what
 * to carry forward from the oldest segment. Owned by the journal's writer thread.
 *
 * <p>Only records that define something count as live: messages (while a queue references them),
 * references, definitions and state. Deletions and updates are history: they matter only while the
 * record they change is still in an older segment, and compaction always takes the oldest segment first,
 * so they are never carried forward; the current state of a reference is written with its copy instead.
 */
final class JournalIndex {

    /**
     * A record's place on disk; {@code inEntry} is its offset in its entry's payload (which an encrypted
     * segment needs to decrypt it alone).
     */
    record Loc(long segment, long position, int length, int inEntry) { }

    private static final class RefLoc {
        Loc loc;
        int deliveryCount;
        long deliverAt;

        RefLoc(Loc loc, long deliverAt) {
            this.loc = loc;
            this.deliverAt = deliverAt;
        }
    }

    private record Located<T>(Loc loc, T value) { }

    private record ExchangeKey(String vhost, String name) { }

    private record BindingKey(String vhost, String exchange, BindingTarget.Kind kind, String target, String key,
                              Map<String, Object> arguments) {
        static BindingKey of(BindingDefinition b) {
            return new BindingKey(b.vhost(), b.exchange(), b.targetKind(), b.target(), b.key(), b.arguments());
        }
    }

    private record StateKey(String namespace, String key) { }

    /** What compaction carries forward from a segment. */
    sealed interface LiveRecord {
        /** Copy the record's bytes as they are; {@code moveTo} re-points the index at the copy. */
        record Raw(Loc loc, java.util.function.Consumer<Loc> moveTo) implements LiveRecord { }

        /** Write a record describing the current state. */
        record Fresh(StorageRecord record) implements LiveRecord { }
    }

    // Keyed by primitive ids: every durable message and reference passes through here on the append path.
    private final LongMap<Loc> messages = new LongMap<>();
    /** How many queues reference each message: {@code int[1]}, changed in place. */
    private final LongMap<int[]> refCounts = new LongMap<>();
    private final LongMap<LongMap<RefLoc>> refs = new LongMap<>();
    private final Map<Long, Located<QueueDefinition>> queues = new HashMap<>();
    private final Map<ExchangeKey, Located<ExchangeDefinition>> exchanges = new HashMap<>();
    private final Map<BindingKey, Located<BindingDefinition>> bindings = new HashMap<>();
    private final Map<StateKey, Loc> states = new HashMap<>();
    /** Live bytes per segment: {@code long[1]}, changed in place. */
    private final LongMap<long[]> liveBytes = new LongMap<>();

    /** Notes the message with id {@code messageId} written at {@code loc}. */
    void placeMessage(long messageId, Loc loc) {
        place(messages.put(messageId, loc), loc);
    }

    /** Notes a record written at {@code loc}. */
    void apply(StorageRecord r, Loc loc) {
        if (r instanceof StorageRecord.AddMessage m) {
            placeMessage(m.messageId(), loc);
        } else if (r instanceof StorageRecord.AddReference a) {
            LongMap<RefLoc> q = refs.get(a.queueId());
            if (q == null) {
                q = new LongMap<>();
                refs.put(a.queueId(), q);
            }
            RefLoc old = q.put(a.messageId(), new RefLoc(loc, a.deliverAt()));
            if (old == null) {
                int[] n = refCounts.get(a.messageId());
                if (n == null) {
                    refCounts.put(a.messageId(), new int[] {1});
                } else {
                    n[0]++;
                }
            }
            place(old == null ? null : old.loc, loc);
        } else if (r instanceof StorageRecord.DeleteReference d) {
            LongMap<RefLoc> q = refs.get(d.queueId());
            RefLoc old = q == null ? null : q.remove(d.messageId());
            if (old != null) {
                unplace(old.loc);
                dropRefCount(d.messageId());
            }
        } else if (r instanceof StorageRecord.DeleteMessage d) {
            unplace(messages.remove(d.messageId()));
        } else if (r instanceof StorageRecord.UpdateDeliveryCount u) {
            RefLoc ref = ref(u.queueId(), u.messageId());
            if (ref != null) {
                ref.deliveryCount = u.deliveryCount();
            }
        } else if (r instanceof StorageRecord.UpdateScheduledTime u) {
            RefLoc ref = ref(u.queueId(), u.messageId());
            if (ref != null) {
                ref.deliverAt = u.deliverAt();
            }
        } else if (r instanceof StorageRecord.CreateQueue c) {
            Located<QueueDefinition> old = queues.put(c.queue().id(), new Located<>(loc, c.queue()));
            place(old == null ? null : old.loc(), loc);
        } else if (r instanceof StorageRecord.DeleteQueue d) {
            Located<QueueDefinition> old = queues.remove(d.queueId());
            if (old != null) {
                unplace(old.loc());
                QueueDefinition q = old.value();
                removeBindings(b -> b.vhost().equals(q.vhost()) && b.targetKind() == BindingTarget.Kind.QUEUE
                        && b.target().equals(q.name()));
            }
            LongMap<RefLoc> gone = refs.remove(d.queueId());
            if (gone != null) {
                gone.forEach((messageId, ref) -> {
                    unplace(ref.loc);
                    dropRefCount(messageId);
                });
            }
        } else if (r instanceof StorageRecord.CreateExchange c) {
            ExchangeDefinition e = c.exchange();
            Located<ExchangeDefinition> old = exchanges.put(new ExchangeKey(e.vhost(), e.name()), new Located<>(loc, e));
            place(old == null ? null : old.loc(), loc);
        } else if (r instanceof StorageRecord.DeleteExchange d) {
            Located<ExchangeDefinition> old = exchanges.remove(new ExchangeKey(d.vhost(), d.name()));
            unplace(old == null ? null : old.loc());
            removeBindings(b -> b.vhost().equals(d.vhost()) && (b.exchange().equals(d.name())
                    || b.targetKind() == BindingTarget.Kind.EXCHANGE && b.target().equals(d.name())));
        } else if (r instanceof StorageRecord.CreateBinding c) {
            Located<BindingDefinition> old = bindings.put(BindingKey.of(c.binding()), new Located<>(loc, c.binding()));
            place(old == null ? null : old.loc(), loc);
        } else if (r instanceof StorageRecord.DeleteBinding d) {
            Located<BindingDefinition> old = bindings.remove(BindingKey.of(d.binding()));
            unplace(old == null ? null : old.loc());
        } else if (r instanceof StorageRecord.PutState p) {
            place(states.put(new StateKey(p.namespace(), p.key()), loc), loc);
        } else if (r instanceof StorageRecord.DeleteState d) {
            unplace(states.remove(new StateKey(d.namespace(), d.key())));
        }
    }

    private RefLoc ref(long queueId, long messageId) {
        LongMap<RefLoc> q = refs.get(queueId);
        return q == null ? null : q.get(messageId);
    }

    private void dropRefCount(long messageId) {
        int[] n = refCounts.get(messageId);
        if (n != null && --n[0] <= 0) {
            refCounts.remove(messageId);
        }
    }

    private void removeBindings(java.util.function.Predicate<BindingDefinition> which) {
        Iterator<Located<BindingDefinition>> it = bindings.values().iterator();
        while (it.hasNext()) {
            Located<BindingDefinition> b = it.next();
            if (which.test(b.value())) {
                unplace(b.loc());
                it.remove();
            }
        }
    }

    private void place(Loc old, Loc now) {
        unplace(old);
        long[] live = liveBytes.get(now.segment());
        if (live == null) {
            liveBytes.put(now.segment(), new long[] {now.length()});
        } else {
            live[0] += now.length();
        }
    }

    private void unplace(Loc old) {
        if (old != null) {
            long[] live = liveBytes.get(old.segment());
            if (live == null) {
                liveBytes.put(old.segment(), new long[] {-old.length()});
            } else {
                live[0] -= old.length();
            }
        }
    }

    long liveBytes(long segment) {
        long[] live = liveBytes.get(segment);
        return live == null ? 0 : live[0];
    }

    void forget(long segment) {
        liveBytes.remove(segment);
    }

    /**
     * What must be carried forward before {@code segment} can be deleted. Messages no queue references
     * any more are forgotten here instead.
     */
    List<LiveRecord> liveIn(long segment) {
        List<LiveRecord> out = new ArrayList<>();
        // Definitions first, so a replay of the copies alone would already be consistent.
        queues.values().stream().filter(q -> q.loc().segment() == segment)
                .forEach(q -> out.add(new LiveRecord.Fresh(new StorageRecord.CreateQueue(q.value()))));
        exchanges.values().stream().filter(e -> e.loc().segment() == segment)
                .forEach(e -> out.add(new LiveRecord.Fresh(new StorageRecord.CreateExchange(e.value()))));
        bindings.values().stream().filter(b -> b.loc().segment() == segment)
                .forEach(b -> out.add(new LiveRecord.Fresh(new StorageRecord.CreateBinding(b.value()))));
        List<Long> unreferenced = new ArrayList<>();
        messages.forEach((id, loc) -> {
            if (loc.segment() != segment) {
                return;
            }
            if (!refCounts.containsKey(id)) {
                unreferenced.add(id);
                return;
            }
            out.add(new LiveRecord.Raw(loc, now -> place(messages.put(id, now), now)));
        });
        for (long id : unreferenced) {
            unplace(messages.remove(id));
        }
        refs.forEach((queueId, q) -> q.forEach((messageId, ref) -> {
            if (ref.loc.segment() == segment) {
                out.add(new LiveRecord.Fresh(new StorageRecord.AddReference(queueId, messageId, ref.deliverAt)));
                if (ref.deliveryCount > 0) {
                    out.add(new LiveRecord.Fresh(new StorageRecord.UpdateDeliveryCount(queueId, messageId,
                            ref.deliveryCount)));
                }
            }
        }));
        states.forEach((key, loc) -> {
            if (loc.segment() == segment) {
                out.add(new LiveRecord.Raw(loc, now -> place(states.put(key, now), now)));
            }
        });
        return out;
    }

    /**
     * Every live record of every segment, definitions first, then state, messages and references: what a
     * replica needs to hold the same durable state. Unlike {@link #liveIn} it changes nothing.
     */
    List<LiveRecord> liveAll() {
        List<LiveRecord> out = new ArrayList<>();
        exchanges.values().forEach(e -> out.add(new LiveRecord.Fresh(new StorageRecord.CreateExchange(e.value()))));
        queues.values().forEach(q -> out.add(new LiveRecord.Fresh(new StorageRecord.CreateQueue(q.value()))));
        bindings.values().forEach(b -> out.add(new LiveRecord.Fresh(new StorageRecord.CreateBinding(b.value()))));
        states.values().forEach(loc -> out.add(new LiveRecord.Raw(loc, moved -> { })));
        messages.forEach((id, loc) -> {
            if (refCounts.containsKey(id)) {
                out.add(new LiveRecord.Raw(loc, moved -> { }));
            }
        });
        refs.forEach((queueId, q) -> q.forEach((messageId, ref) -> {
            out.add(new LiveRecord.Fresh(new StorageRecord.AddReference(queueId, messageId, ref.deliverAt)));
            if (ref.deliveryCount > 0) {
                out.add(new LiveRecord.Fresh(new StorageRecord.UpdateDeliveryCount(queueId, messageId,
                        ref.deliveryCount)));
            }
        }));
        return out;
    }

    int liveMessages() {
        return messages.size();
    }
}
