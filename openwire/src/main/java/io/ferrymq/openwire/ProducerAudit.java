package io.ferrymq.openwire;

import io.ferrymq.core.state.StateStore;
import org.apache.activemq.command.MessageId;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which sends of each producer the broker has stored, so that a send the {@code failover:} transport repeats
 * after a reconnect (it resends every request it had no response for) is confirmed without being stored twice.
 * As ActiveMQ's {@code ProducerBrokerExchange} does it: a producer's sequence ids grow, so one number per producer,
 * the highest sequence id stored, tells a repeat from a new send. ActiveMQ recovers that number from its store
 * after a restart ({@code getLastProducerSequenceId}); here it is a {@link StateStore} value written in the same
 * batch as each persistent message, so the two cannot disagree after a crash. A repeat that arrives while its first
 * copy is still being stored waits for that copy's outcome.
 *
 * <p>Shared by the module's connections: the repeat comes on a new connection. Producers that close cleanly are
 * forgotten; the number of producers remembered is bounded, the oldest forgotten first.
 */
final class ProducerAudit {

    /** The state-store namespace: producer id to its highest stored sequence id. */
    static final String NAMESPACE = "openwire.producer-audit";
    static final int MAX_PRODUCERS = 10_000;

    /** What to do with a send. */
    sealed interface Admission {
        /** Store it; tell the audit with {@link ProducerAudit#stored} or {@link ProducerAudit#failed}. */
        record Fresh() implements Admission { }

        /** Stored already: confirm it. */
        record Repeat() implements Admission { }

        /** Its first copy is being stored: wait for that, then admit again. */
        record InFlight(CompletableFuture<Void> first) implements Admission { }
    }

    private static final Admission FRESH = new Admission.Fresh();
    private static final Admission REPEAT = new Admission.Repeat();

    private final StateStore store;
    /** Highest stored sequence id by producer id, oldest first. Guarded by itself. */
    private final LinkedHashMap<String, Long> highest = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    ProducerAudit(StateStore store) {
        this.store = store;
        for (Map.Entry<String, byte[]> e : store.all().entrySet()) {
            if (e.getValue().length == Long.BYTES) {
                highest.put(e.getKey(), ByteBuffer.wrap(e.getValue()).getLong());
            }
        }
    }

    Admission admit(MessageId id) {
        String producer = id.getProducerId().toString();
        long seq = id.getProducerSequenceId();
        synchronized (highest) {
            Long last = highest.get(producer);
            if (last != null && seq <= last) {
                return REPEAT;
            }
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> first = inFlight.putIfAbsent(id.toString(), mine);
        return first == null ? FRESH : new Admission.InFlight(first);
    }

    /**
     * The record that stores the producer's new highest sequence id with a persistent message: handed to
     * {@code Session.sendStoredWith} so that the message and the audit are stored in one batch.
     */
    List<StateStore.Staged> stageWith(MessageId id) {
        return List.of(store.stage(id.getProducerId().toString(), encode(id.getProducerSequenceId())));
    }

    void stored(MessageId id) {
        String producer = id.getProducerId().toString();
        List<String> evicted = List.of();
        synchronized (highest) {
            highest.merge(producer, id.getProducerSequenceId(), Math::max);
            if (highest.size() > MAX_PRODUCERS) {
                evicted = new ArrayList<>();
                Iterator<String> oldest = highest.keySet().iterator();
                while (highest.size() > MAX_PRODUCERS) {
                    evicted.add(oldest.next());
                    oldest.remove();
                }
            }
        }
        evicted.forEach(store::remove);
        finish(id);
    }

    void failed(MessageId id) {
        finish(id);
    }

    private void finish(MessageId id) {
        CompletableFuture<Void> f = inFlight.remove(id.toString());
        if (f != null) {
            f.complete(null);
        }
    }

    /** The producer closed: it sends nothing more, so nothing of it can be repeated. */
    void forget(String producerId) {
        synchronized (highest) {
            highest.remove(producerId);
        }
        // Nothing is stored when the producer sent no persistent message.
        store.remove(producerId);
    }

    private static byte[] encode(long seq) {
        return ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
    }
}
