package io.ferrymq.core.stream;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The broker's streams: one directory per stream ({@code <vhost>/<name>/}) with its definition and a log
 * directory per shard. Every change goes through the {@link StreamWriter}; reads run on the blocking pool.
 * No permission checks here: {@link Streams} does them.
 */
public final class StreamStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamStore.class);
    static final long RETENTION_SCAN_MILLIS = 60_000;
    private static final long MAX_ROLL_MILLIS = 3_600_000;

    private final StreamStoreOptions options;
    /** Null until needed when temporary: most brokers without a data dir never hold a stream. */
    private volatile Path root;
    private final boolean temporary;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Executor blocking;
    private final StreamWriter writer = new StreamWriter();
    private final Map<String, Map<String, Stream>> streams = new ConcurrentHashMap<>();
    private volatile Scheduler.Cancellable retentionTimer = Scheduler.Cancellable.NONE;
    private volatile boolean closed;
    private final StreamReplicator replicator;

    /** A result and the replication of the change that made it: confirmed when both are done. */
    private record Replicated<T>(T value, CompletableFuture<Void> copied) { }

    private static final CompletableFuture<Void> NOT_REPLICATED = CompletableFuture.completedFuture(null);

    public StreamStore(StreamStoreOptions options, Clock clock, Scheduler scheduler, Executor blocking) {
        this.options = options;
        this.clock = clock;
        this.scheduler = scheduler;
        this.blocking = blocking;
        this.temporary = options.dir() == null;
        this.replicator = options.replicator();
        if (replicator != null) {
            replicator.attach(this::snapshot);
        }
        if (!temporary) {
            try {
                this.root = Files.createDirectories(options.dir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the stream directory: " + e.getMessage(), e);
            }
        }
    }

    /** The directory of the stream logs, a temporary one made on first use without a data dir. */
    private synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("ferrymq-streams");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary stream directory: " + e.getMessage(), e);
            }
        }
        return root;
    }

    /** Opens every stream found on disk, cutting torn log tails; then starts the retention scan. */
    public void recover() {
        scheduleRetention();
        if (root == null) {
            return;
        }
        int count = 0;
        try (var vhostDirs = Files.list(root)) {
            for (Path vdir : vhostDirs.filter(Files::isDirectory).toList()) {
                try (var streamDirs = Files.list(vdir)) {
                    for (Path sdir : streamDirs.filter(Files::isDirectory).toList()) {
                        if (recoverStream(sdir)) {
                            count++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stream directory " + root + ": " + e.getMessage(), e);
        }
        if (count > 0) {
            LOG.info("Recovered {} stream(s) from {}", count, root);
        }
    }

    private boolean recoverStream(Path sdir) throws IOException {
        if (sdir.getFileName().toString().contains(".") || !Files.exists(sdir.resolve(StreamDefinitionFile.NAME))) {
            // A stream whose creation or deletion did not finish.
            deleteTree(sdir);
            return false;
        }
        StreamInfo info = StreamDefinitionFile.read(sdir);
        Stream s = new Stream(sdir, info);
        for (ShardInfo sh : info.shards()) {
            s.logs.put(sh.index(), SegmentLog.open(Stream.shardDir(sdir, sh.index()), options.segmentBytes(),
                    options.fsync(), options.encryption()));
        }
        streams.computeIfAbsent(info.vhost(), v -> new ConcurrentHashMap<>()).put(info.name(), s);
        return true;
    }

    // ------------------------------------------------------------------ definitions

    public CompletableFuture<StreamInfo> create(String vhost, StreamSpec spec) {
        validate(spec);
        Map<String, Stream> inVhost = streams.computeIfAbsent(vhost, v -> new ConcurrentHashMap<>());
        List<ShardInfo> shards = new ArrayList<>();
        List<BigInteger[]> ranges = HashKeys.split(BigInteger.ZERO, HashKeys.MAX, spec.shardCount());
        for (int i = 0; i < ranges.size(); i++) {
            shards.add(new ShardInfo(i, ranges.get(i)[0], ranges.get(i)[1], -1, -1, -1));
        }
        StreamInfo info = new StreamInfo(vhost, spec.name(), StreamStatus.CREATING, spec.mode(),
                spec.retentionMillis(), spec.retentionBytes(), clock.millis(), shards, spec.tags(), shards.size());
        Path dir = root().resolve(encode(vhost)).resolve(encode(spec.name()));
        Stream s = new Stream(dir, info);
        if (inVhost.putIfAbsent(spec.name(), s) != null) {
            return CompletableFuture.failedFuture(BrokerException.preconditionFailed("stream '" + spec.name()
                    + "' already exists in vhost '" + vhost + "'"));
        }
        return confirmed(writer.run(() -> {
            try {
                deleteTree(dir);
                Files.createDirectories(dir);
                for (ShardInfo sh : shards) {
                    s.logs.put(sh.index(), SegmentLog.open(Stream.shardDir(dir, sh.index()), options.segmentBytes(),
                            options.fsync(), options.encryption()));
                }
                StreamInfo active = withStatus(info, StreamStatus.ACTIVE);
                StreamDefinitionFile.write(dir, active, options.fsync());
                s.info = active;
                return new Replicated<>(active, replicate(new StreamChange.Defined(active)));
            } catch (IOException | RuntimeException e) {
                inVhost.remove(spec.name(), s);
                throw e;
            }
        }));
    }

    private CompletableFuture<Void> replicate(StreamChange change) {
        return replicator == null ? NOT_REPLICATED : replicator.replicate(change);
    }

    /** The value, once the change that made it is also on the standby (when there is one). */
    private static <T> CompletableFuture<T> confirmed(CompletableFuture<Replicated<T>> written) {
        return written.thenCompose(r -> r.copied().thenApply(v -> r.value()));
    }

    private static void validate(StreamSpec spec) {
        String n = spec.name();
        if (n.isEmpty() || n.length() > 255 || n.chars().anyMatch(Character::isISOControl)) {
            throw BrokerException.invalid("a stream name has 1 to 255 characters and no control characters");
        }
        if (spec.shardCount() < 1 || spec.shardCount() > 10_000) {
            throw BrokerException.invalid("a stream has 1 to 10000 shards, not " + spec.shardCount());
        }
        if (spec.retentionMillis() <= 0 || spec.retentionBytes() < 0) {
            throw BrokerException.invalid("retention must be positive");
        }
    }

    private static StreamInfo withStatus(StreamInfo i, StreamStatus status) {
        return new StreamInfo(i.vhost(), i.name(), status, i.mode(), i.retentionMillis(), i.retentionBytes(),
                i.createdMillis(), i.shards(), i.tags(), i.nextShard());
    }

    public CompletableFuture<Void> delete(String vhost, String name) {
        Stream s = stream(vhost, name);
        streams.get(vhost).remove(name, s);
        s.info = withStatus(s.info, StreamStatus.DELETING);
        return confirmed(writer.run(() -> {
            s.deleted = true;
            Path gone = s.dir.resolveSibling(s.dir.getFileName() + ".deleted-" + System.nanoTime());
            s.logs.values().forEach(SegmentLog::close);
            Files.move(s.dir, gone);
            deleteTree(gone);
            return new Replicated<Void>(null, replicate(new StreamChange.Deleted(vhost, name)));
        }));
    }

    /** Changes a definition on the writer thread and stores it. */
    /** Changes a stream's definition (retention, tags, mode); completes when the new one is on disk. */
    public CompletableFuture<StreamInfo> change(String vhost, String name, java.util.function.UnaryOperator<StreamInfo> change) {
        return update(vhost, name, s -> change.apply(s.info));
    }

    CompletableFuture<StreamInfo> update(String vhost, String name, DefinitionChange change) {
        Stream s = stream(vhost, name);
        return confirmed(writer.run(() -> {
            if (s.deleted) {
                throw notFound(vhost, name);
            }
            StreamInfo next = change.apply(s);
            if (next == s.info) {
                return new Replicated<>(next, NOT_REPLICATED);
            }
            StreamDefinitionFile.write(s.dir, next, options.fsync());
            s.info = next;
            for (ShardInfo sh : next.shards()) {
                SegmentLog log = s.logs.get(sh.index());
                if (!sh.open() && log != null) {
                    // Readers waiting at the end of a shard just closed go on to its children.
                    log.ended();
                }
            }
            return new Replicated<>(next, replicate(new StreamChange.Defined(next)));
        }));
    }

    /** A change of a stream's definition, run on the writer thread (it may open shard logs). */
    @FunctionalInterface
    interface DefinitionChange {
        StreamInfo apply(Stream s) throws IOException;
    }

    public CompletableFuture<StreamInfo> split(String vhost, String name, int shard, BigInteger newStart) {
        return update(vhost, name, s -> split(s, s.info, shard, newStart));
    }

    public CompletableFuture<StreamInfo> merge(String vhost, String name, int shard, int adjacent) {
        return update(vhost, name, s -> merge(s, s.info, shard, adjacent));
    }

    /**
     * Brings the number of open shards to {@code target} in one change, by splitting the widest open shard in
     * the middle or merging the narrowest adjacent pair, one step at a time: each step is an ordinary split or
     * merge, so readers follow the lineage as usual (the shards of intermediate steps close empty).
     */
    public CompletableFuture<StreamInfo> reshard(String vhost, String name, int target) {
        return update(vhost, name, s -> {
            StreamInfo info = s.info;
            while (info.openShards().size() != target) {
                List<ShardInfo> open = new ArrayList<>(info.openShards());
                open.sort(Comparator.comparing(ShardInfo::hashStart));
                if (open.size() < target) {
                    ShardInfo widest = open.stream().max(Comparator.comparing(StreamStore::width)).orElseThrow();
                    if (width(widest).compareTo(BigInteger.TWO) < 0) {
                        throw BrokerException.invalid("no shard is wide enough to split further");
                    }
                    info = split(s, info, widest.index(), widest.hashStart().add(width(widest).shiftRight(1)));
                } else {
                    int best = 0;
                    for (int i = 1; i + 1 < open.size(); i++) {
                        if (width(open.get(i)).add(width(open.get(i + 1)))
                                .compareTo(width(open.get(best)).add(width(open.get(best + 1)))) < 0) {
                            best = i;
                        }
                    }
                    info = merge(s, info, open.get(best).index(), open.get(best + 1).index());
                }
            }
            return info;
        });
    }

    private static BigInteger width(ShardInfo s) {
        return s.hashEnd().subtract(s.hashStart()).add(BigInteger.ONE);
    }

    private StreamInfo split(Stream s, StreamInfo info, int shard, BigInteger newStart) throws IOException {
        ShardInfo parent = openShard(info, shard);
        if (newStart.compareTo(parent.hashStart()) <= 0 || newStart.compareTo(parent.hashEnd()) > 0) {
            throw BrokerException.invalid("the new starting hash key " + newStart + " is not inside shard "
                    + shard + "'s range (" + parent.hashStart() + " to " + parent.hashEnd() + "), above its start");
        }
        int a = info.nextShard();
        List<ShardInfo> shards = closeAndAdd(s, info, List.of(parent),
                new ShardInfo(a, parent.hashStart(), newStart.subtract(BigInteger.ONE), parent.index(), -1, -1),
                new ShardInfo(a + 1, newStart, parent.hashEnd(), parent.index(), -1, -1));
        return info.withShards(shards, a + 2);
    }

    private StreamInfo merge(Stream s, StreamInfo info, int shard, int adjacent) throws IOException {
        ShardInfo x = openShard(info, shard);
        ShardInfo y = openShard(info, adjacent);
        ShardInfo low = x.hashStart().compareTo(y.hashStart()) < 0 ? x : y;
        ShardInfo high = low == x ? y : x;
        if (!low.hashEnd().add(BigInteger.ONE).equals(high.hashStart())) {
            throw BrokerException.invalid("shards " + shard + " and " + adjacent + " are not adjacent: their"
                    + " hash-key ranges do not meet");
        }
        int c = info.nextShard();
        List<ShardInfo> shards = closeAndAdd(s, info, List.of(x, y),
                new ShardInfo(c, low.hashStart(), high.hashEnd(), x.index(), y.index(), -1));
        return info.withShards(shards, c + 1);
    }

    private List<ShardInfo> closeAndAdd(Stream s, StreamInfo info, List<ShardInfo> closing, ShardInfo... children)
            throws IOException {
        List<ShardInfo> shards = new ArrayList<>();
        for (ShardInfo sh : info.shards()) {
            shards.add(closing.contains(sh) ? sh.closedAt(s.logs.get(sh.index()).endOffset()) : sh);
        }
        for (ShardInfo child : children) {
            s.logs.put(child.index(), SegmentLog.open(Stream.shardDir(s.dir, child.index()), options.segmentBytes(),
                    options.fsync(), options.encryption()));
            shards.add(child);
        }
        return shards;
    }

    private static ShardInfo openShard(StreamInfo info, int index) {
        ShardInfo sh = info.shard(index);
        if (sh == null) {
            throw BrokerException.notFound("stream '" + info.name() + "' has no shard " + index);
        }
        if (!sh.open()) {
            throw BrokerException.illegalState("shard " + index + " of stream '" + info.name()
                    + "' is closed (split or merged)");
        }
        return sh;
    }

    // ------------------------------------------------------------------ records

    public CompletableFuture<List<AppendResult>> append(String vhost, String name, List<AppendRequest> records,
                                                 ShardAdmission admission) {
        Stream s = stream(vhost, name);
        return confirmed(writer.append(touched -> {
            if (s.deleted) {
                throw notFound(vhost, name);
            }
            StreamInfo info = s.info;
            if (info.status() == StreamStatus.CREATING) {
                throw BrokerException.illegalState("stream '" + name + "' is still being created");
            }
            List<ShardInfo> open = info.openShards();
            AppendResult[] results = new AppendResult[records.size()];
            Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
            for (int i = 0; i < records.size(); i++) {
                AppendRequest r = records.get(i);
                BigInteger hash = HashKeys.route(r);
                ShardInfo target = null;
                for (ShardInfo sh : open) {
                    if (sh.holds(hash)) {
                        target = sh;
                        break;
                    }
                }
                if (target == null) {
                    throw BrokerException.invalid("hash key " + hash + " is outside the stream's hash-key range");
                }
                if (admission.admit(target.index(), r.data().length + r.partitionKey().length())) {
                    byShard.computeIfAbsent(target.index(), k -> new ArrayList<>()).add(i);
                } else {
                    results[i] = AppendResult.refusedBy(target.index());
                }
            }
            long now = clock.millis();
            long rollAfter = Math.max(1000, Math.min(info.retentionMillis(), MAX_ROLL_MILLIS));
            List<CompletableFuture<Void>> copies = new ArrayList<>();
            for (Map.Entry<Integer, List<Integer>> e : byShard.entrySet()) {
                SegmentLog log = s.logs.get(e.getKey());
                List<AppendRequest> batch = e.getValue().stream().map(records::get).toList();
                long[][] written = log.append(batch, now, rollAfter);
                touched.add(log);
                List<StreamRecord> copied = replicator == null ? null : new ArrayList<>(written.length);
                for (int k = 0; k < written.length; k++) {
                    results[e.getValue().get(k)] = new AppendResult(e.getKey(), written[k][0], written[k][1]);
                    if (copied != null) {
                        AppendRequest r = batch.get(k);
                        copied.add(new StreamRecord(written[k][0], written[k][1], r.partitionKey(),
                                r.explicitHashKey(), r.data()));
                    }
                }
                if (copied != null) {
                    copies.add(replicate(new StreamChange.Appended(vhost, name, e.getKey(), copied)));
                }
            }
            CompletableFuture<Void> copiedAll = copies.isEmpty() ? NOT_REPLICATED
                    : CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new));
            return new Replicated<>(List.of(results), copiedAll);
        }));
    }

    public CompletableFuture<ReadResult> read(String vhost, String name, int shard, long from, int max, long maxBytes) {
        Stream s = stream(vhost, name);
        ShardInfo sh = shardOf(s, shard);
        SegmentLog log = s.logs.get(shard);
        return CompletableFuture.supplyAsync(() -> {
            long now = clock.millis();
            long notBefore = now - s.info.retentionMillis();
            long start = log.effectiveStart(from, notBefore);
            List<StreamRecord> records = log.read(start, max, maxBytes, notBefore);
            long next = records.isEmpty() ? start : records.get(records.size() - 1).offset() + 1;
            ShardInfo current = s.info.shard(shard);
            long end = current != null && !current.open() ? current.endOffset() : log.endOffset();
            long arrival = next < end ? log.arrivalAt(next) : -1;
            long behind = arrival < 0 ? 0 : Math.max(0, now - arrival);
            boolean ended = current != null && !current.open() && next >= current.endOffset();
            return new ReadResult(records, next, end, behind, ended);
        }, blocking);
    }

    /** The first offset a reader from the start of the shard gets (trim horizon, retention applied). */
    public long firstOffset(String vhost, String name, int shard) {
        Stream s = stream(vhost, name);
        shardOf(s, shard);
        return s.logs.get(shard).effectiveStart(0, clock.millis() - s.info.retentionMillis());
    }

    /** The offset after the last durable record (where a reader of new records starts). */
    public long endOffset(String vhost, String name, int shard) {
        Stream s = stream(vhost, name);
        ShardInfo sh = shardOf(s, shard);
        return sh.open() ? s.logs.get(shard).endOffset() : sh.endOffset();
    }

    /** The first offset whose record arrived at or after {@code millis}, not before the first readable one. */
    public long offsetAt(String vhost, String name, int shard, long millis) {
        Stream s = stream(vhost, name);
        shardOf(s, shard);
        SegmentLog log = s.logs.get(shard);
        return Math.max(log.offsetAt(millis), log.effectiveStart(0, clock.millis() - s.info.retentionMillis()));
    }

    private ShardInfo shardOf(Stream s, int shard) {
        ShardInfo sh = s.info.shard(shard);
        if (sh == null || s.logs.get(shard) == null) {
            throw BrokerException.notFound("stream '" + s.info.name() + "' has no shard " + shard);
        }
        return sh;
    }

    /**
     * Completes once shard {@code shard} holds a durable record at or after {@code offset}, or once it can get
     * no more (closed by a split or merge, its stream deleted, the store closed): readers at the end of a shard
     * wait on this instead of polling.
     */
    public CompletableFuture<Void> awaitRecords(String vhost, String name, int shard, long offset) {
        Stream s = stream(vhost, name);
        ShardInfo sh = shardOf(s, shard);
        if (!sh.open() || s.deleted) {
            return CompletableFuture.completedFuture(null);
        }
        return s.logs.get(shard).awaitBeyond(offset);
    }

    /** A snapshot of every stream for a standby (see {@link StreamSnapshots}). */
    CompletableFuture<StreamSnapshot> snapshot(Runnable atPoint) {
        return writer.run(() -> {
            atPoint.run();
            List<StreamInfo> infos = new ArrayList<>();
            List<StreamSnapshot.SegmentFile> files = new ArrayList<>();
            for (Map<String, Stream> m : streams.values()) {
                for (Stream s : m.values()) {
                    if (s.deleted || s.info.status() != StreamStatus.ACTIVE) {
                        continue;
                    }
                    infos.add(s.info);
                    for (ShardInfo sh : s.info.shards()) {
                        SegmentLog log = s.logs.get(sh.index());
                        if (log != null) {
                            files.addAll(log.files(s.info.vhost(), s.info.name(), sh.index()));
                        }
                    }
                }
            }
            return new StreamSnapshot(infos, files, options.encryption());
        });
    }

    // ------------------------------------------------------------------ lookups

    public StreamInfo info(String vhost, String name) {
        return stream(vhost, name).info;
    }

    public List<StreamInfo> list(String vhost) {
        Map<String, Stream> m = streams.get(vhost);
        if (m == null) {
            return List.of();
        }
        return m.values().stream().map(s -> s.info).sorted(Comparator.comparing(StreamInfo::name)).toList();
    }

    private Stream stream(String vhost, String name) {
        Map<String, Stream> m = streams.get(vhost);
        Stream s = m == null ? null : m.get(name);
        if (s == null) {
            throw notFound(vhost, name);
        }
        return s;
    }

    private static BrokerException notFound(String vhost, String name) {
        return BrokerException.notFound("stream '" + name + "' does not exist in vhost '" + vhost + "'");
    }

    // ------------------------------------------------------------------ retention

    private void scheduleRetention() {
        if (closed) {
            return;
        }
        retentionTimer = scheduler.schedule(() -> enforceRetention().whenComplete((v, t) -> scheduleRetention()),
                RETENTION_SCAN_MILLIS);
    }

    /**
     * Deletes the segments whose records are all past their stream's retention (by age on the broker's clock,
     * and by size), and forgets closed shards that have nothing left to read.
     */
    public CompletableFuture<Integer> enforceRetention() {
        if (streams.values().stream().allMatch(Map::isEmpty)) {
            return CompletableFuture.completedFuture(0);
        }
        return writer.run(() -> {
            int deleted = 0;
            long now = clock.millis();
            for (Map<String, Stream> m : streams.values()) {
                for (Stream s : m.values()) {
                    if (s.deleted || s.info.status() != StreamStatus.ACTIVE) {
                        continue;
                    }
                    StreamInfo info = s.info;
                    long cutoff = now - info.retentionMillis();
                    List<ShardInfo> kept = new ArrayList<>();
                    for (ShardInfo sh : info.shards()) {
                        SegmentLog log = s.logs.get(sh.index());
                        deleted += log.enforceRetention(cutoff, info.retentionBytes());
                        if (!sh.open() && log.effectiveStart(0, cutoff) >= sh.endOffset()) {
                            log.deleteAll();
                            s.logs.remove(sh.index());
                            deleteTree(log.dir());
                        } else {
                            kept.add(sh);
                        }
                    }
                    if (kept.size() != info.shards().size()) {
                        StreamInfo next = info.withShards(kept, info.nextShard());
                        StreamDefinitionFile.write(s.dir, next, options.fsync());
                        s.info = next;
                        // Only the standby's disk space depends on this one: nobody waits for it.
                        replicate(new StreamChange.Defined(next));
                    }
                }
            }
            return deleted;
        });
    }

    // ------------------------------------------------------------------ files

    /** A name as a directory name: letters, digits, '-' and '_' as they are, every other byte as %XX. */
    static String encode(String name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.isEmpty() ? "%" : b.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        retentionTimer.cancel();
        writer.close();
        for (Map<String, Stream> m : streams.values()) {
            for (Stream s : m.values()) {
                s.logs.values().forEach(SegmentLog::close);
            }
        }
        if (temporary && root != null) {
            try {
                deleteTree(root);
            } catch (IOException e) {
                LOG.debug("Could not remove the temporary stream directory {}: {}", root, e.toString());
            }
        }
    }

}
