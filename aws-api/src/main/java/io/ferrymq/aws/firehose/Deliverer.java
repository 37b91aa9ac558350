package io.ferrymq.aws.firehose;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Timers;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.stream.ReadResult;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Moves one delivery stream's records from its source (the core stream behind a DirectPut delivery stream, or
 * a Kinesis stream) to its destination: reads each shard from its checkpoint (parents before children), buffers
 * until the size or interval of the buffering hints is reached, delivers the batch, and only then moves the
 * checkpoints. Accepted records stay in the source until delivered, so a crash loses none.
 * Runs on its own serial executor.
 */
final class Deliverer {

    private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
    /** How often an idle deliverer looks for new records (real time). */
    static final long POLL_MILLIS = 100;
    private static final long RETRY_MILLIS = 1_000;

    private final String vhost;
    private final String name;
    private final String sourceVhost;
    private final String sourceStream;
    private final Destination destination;
    private final Checkpoints checkpoints;
    private final Broker broker;
    private final Timers timers;
    private final Executor executor;

    private final Map<Integer, Long> positions = new HashMap<>();
    /** The checkpoints as last stored, so that a flush stores only those that moved. */
    private final Map<Integer, Long> saved = new HashMap<>();
    private final List<BufferedRecord> buffer = new ArrayList<>();
    private long bufferedBytes;
    private long oldestArrival = Long.MAX_VALUE;
    private boolean stopped;
    private CompletableFuture<Void> flushing;
    private Timers.Timer timer = Timers.Timer.NONE;
    private String lastProblem;

    Deliverer(String vhost, String name, String sourceVhost, String sourceStream, Destination destination,
              Checkpoints checkpoints, Broker broker, Executor executor) {
        this.vhost = vhost;
        this.name = name;
        this.sourceVhost = sourceVhost;
        this.sourceStream = sourceStream;
        this.destination = destination;
        this.checkpoints = checkpoints;
        this.broker = broker;
        this.timers = broker.timers();
        this.executor = executor;
    }

    void start() {
        executor.execute(this::tick);
    }

    /** Stops reading and delivers what is buffered; completes when that is delivered (or failed). */
    CompletableFuture<Void> stop(boolean flush) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            stopped = true;
            timer.cancel();
            CompletableFuture<Void> last = flushing != null ? flushing
                    : flush && !buffer.isEmpty() ? flush() : CompletableFuture.completedFuture(null);
            last.whenComplete((v, t) -> done.complete(null));
        });
        return done;
    }

    private void schedule(long millis) {
        if (!stopped) {
            timer = timers.schedule(() -> executor.execute(this::tick), millis);
        }
    }

    private void tick() {
        if (stopped || flushing != null) {
            return;
        }
        Session system;
        StreamInfo info;
        try {
            system = broker.systemSession(sourceVhost);
            info = broker.streams().describe(system, sourceStream);
        } catch (BrokerException e) {
            problem("cannot read its source stream " + sourceStream + " in vhost " + sourceVhost + ": "
                    + e.getMessage());
            schedule(e.code() == ErrorCode.NOT_FOUND ? RETRY_MILLIS : POLL_MILLIS);
            return;
        }
        List<ShardInfo> readable = new ArrayList<>();
        for (ShardInfo s : info.shards()) {
            if (readable(info, s, system)) {
                readable.add(s);
            }
        }
        read(system, readable, 0, false);
    }

    private boolean readable(StreamInfo info, ShardInfo s, Session system) {
        if (!s.open() && position(system, s.index()) >= s.endOffset()) {
            return false;
        }
        for (int p : new int[] {s.parent(), s.adjacentParent()}) {
            ShardInfo parent = p < 0 ? null : info.shard(p);
            if (parent != null && (parent.open() || position(system, p) < parent.endOffset())) {
                return false;
            }
        }
        return true;
    }

    /** Where the shard is read from next: its checkpoint, or its start for a shard never read. */
    private long position(Session system, int shard) {
        Long p = positions.get(shard);
        if (p == null) {
            OptionalLong stored = checkpoints.get(vhost, name, shard);
            p = stored.isPresent() ? stored.getAsLong() : broker.streams().firstOffset(system, sourceStream, shard);
            positions.put(shard, p);
            if (stored.isPresent()) {
                saved.put(shard, p);
            }
        }
        return p;
    }

    private void read(Session system, List<ShardInfo> shards, int i, boolean anyRead) {
        Buffering b = destination.buffering();
        if (i >= shards.size() || bufferedBytes >= b.sizeBytes()) {
            afterReads(anyRead);
            return;
        }
        int shard = shards.get(i).index();
        long from = position(system, shard);
        broker.streams().read(system, sourceStream, shard, from, 10_000, Math.max(1, b.sizeBytes() - bufferedBytes),
                executor).whenComplete((r, t) -> {
                    if (stopped) {
                        return;
                    }
                    if (t != null) {
                        problem("cannot read shard " + shard + " of " + sourceStream + ": " + t.getMessage());
                        read(system, shards, i + 1, anyRead);
                        return;
                    }
                    read(system, shards, i + 1, take(shard, r) || anyRead);
                });
    }

    private boolean take(int shard, ReadResult r) {
        for (StreamRecord rec : r.records()) {
            buffer.add(new BufferedRecord(shard, rec.offset(), rec.arrivalMillis(), rec.data()));
            bufferedBytes += rec.data().length;
            oldestArrival = Math.min(oldestArrival, rec.arrivalMillis());
        }
        positions.put(shard, r.nextOffset());
        return !r.records().isEmpty() || r.shardEnded();
    }

    private void afterReads(boolean anyRead) {
        Buffering b = destination.buffering();
        boolean full = bufferedBytes >= b.sizeBytes();
        boolean due = !buffer.isEmpty() && broker.currentTimeMillis() - oldestArrival >= b.intervalMillis();
        if (full || due) {
            flush();
            return;
        }
        schedule(anyRead ? 0 : POLL_MILLIS);
    }

    private CompletableFuture<Void> flush() {
        List<BufferedRecord> batch = List.copyOf(buffer);
        // Every shard read since the last flush moves on, also one whose read skipped records past retention.
        Map<Integer, Long> upTo = new HashMap<>();
        positions.forEach((s, o) -> {
            if (!o.equals(saved.get(s))) {
                upTo.put(s, o);
            }
        });
        CompletableFuture<Void> f;
        try {
            f = destination.deliver(batch).thenCompose(v -> {
                List<CompletableFuture<Void>> saved = new ArrayList<>();
                upTo.forEach((s, o) -> saved.add(checkpoints.put(vhost, name, s, o)));
                return CompletableFuture.allOf(saved.toArray(CompletableFuture[]::new));
            });
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        flushing = done;
        f.whenCompleteAsync((v, t) -> {
            flushing = null;
            if (t != null) {
                problem("cannot deliver " + batch.size() + " records: " + (t.getCause() != null ? t.getCause() : t));
                schedule(RETRY_MILLIS);
            } else {
                saved.putAll(upTo);
                lastProblem = null;
                buffer.subList(0, batch.size()).clear();
                bufferedBytes = 0;
                oldestArrival = Long.MAX_VALUE;
                for (BufferedRecord r : buffer) {
                    bufferedBytes += r.data().length;
                    oldestArrival = Math.min(oldestArrival, r.arrivalMillis());
                }
                schedule(0);
            }
            done.complete(null);
        }, executor);
        return done;
    }

    /** Logs a problem once until it changes or goes away (a missing source would otherwise log every second). */
    private void problem(String what) {
        if (!what.equals(lastProblem)) {
            LOG.warn("Firehose {} in vhost {}: {}", name, vhost, what);
            lastProblem = what;
        }
    }
}
