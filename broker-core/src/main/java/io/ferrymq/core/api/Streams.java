package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.Scheduler;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.stream.AppendRequest;
import io.ferrymq.core.stream.AppendResult;
import io.ferrymq.core.stream.HashKeys;
import io.ferrymq.core.stream.ReadResult;
import io.ferrymq.core.stream.ShardAdmission;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamMode;
import io.ferrymq.core.stream.StreamSpec;
import io.ferrymq.core.stream.StreamStore;
import io.ferrymq.core.stream.StreamStoreOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The streams of a broker as adapters use them ({@code Broker.streams()}): every call acts for a session's
 * user in the session's virtual host and is checked against its permissions on the stream's name (create,
 * delete, send to append, consume to read, manage to change retention, tags and shards, any permission to
 * see it); futures complete on the executor the caller names (its event loop).
 */
public final class Streams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);

    private final StreamStore store;
    /** How often readers consulted a shard (reads, offsets, waits): an idle reader should not add to it. */
    private final java.util.concurrent.atomic.LongAdder lookups = new java.util.concurrent.atomic.LongAdder();

    private Streams(StreamStore store) {
        this.store = store;
    }

    /** Opens the stream store and recovers what it holds (torn log tails are cut off). */
    public static Streams open(StreamStoreOptions options, Clock clock, Scheduler scheduler, Executor blocking) {
        StreamStore store = new StreamStore(options, clock, scheduler, blocking);
        store.recover();
        return new Streams(store);
    }

    // ------------------------------------------------------------------ definitions

    /** Creates a stream; completes when its definition is on disk. Fails PRECONDITION_FAILED if it exists. */
    public CompletableFuture<StreamInfo> create(Session who, StreamSpec spec, Executor on) {
        return call(on, () -> {
            require(who, Permission.CREATE, spec.name(), "create");
            return store.create(who.vhostName(), spec);
        });
    }

    public CompletableFuture<Void> delete(Session who, String name, Executor on) {
        return call(on, () -> {
            require(who, Permission.DELETE, name, "delete");
            return store.delete(who.vhostName(), name);
        });
    }

    /** The stream's definition now. @throws BrokerException NOT_FOUND, UNAUTHORIZED (no permission at all on it) */
    public StreamInfo describe(Session who, String name) {
        requireAny(who, name);
        return store.info(who.vhostName(), name);
    }

    /** Every stream of {@code vhost}, for the operator's view (no user's permissions apply). */
    List<StreamInfo> all(String vhost) {
        return store.list(vhost);
    }

    /** A shard's first retained offset and the offset after its last record, for the operator's view. */
    long[] retained(String vhost, String name, int shard) {
        return new long[] {store.firstOffset(vhost, name, shard), store.endOffset(vhost, name, shard)};
    }

    /** The streams of the session's vhost on which its user holds some permission, by name. */
    public List<StreamInfo> list(Session who) {
        return store.list(who.vhostName()).stream().filter(s -> visible(who, s.name())).toList();
    }

    public CompletableFuture<StreamInfo> setRetention(Session who, String name, long retentionMillis, Executor on) {
        return call(on, () -> {
            require(who, Permission.MANAGE, name, "change the retention of");
            if (retentionMillis <= 0) {
                throw BrokerException.invalid("retention must be positive");
            }
            return store.change(who.vhostName(), name, info -> info.withRetention(retentionMillis));
        });
    }

    /** Adds or replaces tags and removes others, in one change. */
    public CompletableFuture<StreamInfo> retag(Session who, String name, Map<String, String> put, Set<String> remove,
                                               Executor on) {
        return call(on, () -> {
            require(who, Permission.MANAGE, name, "tag");
            return store.change(who.vhostName(), name, info -> {
                Map<String, String> tags = new HashMap<>(info.tags());
                remove.forEach(tags::remove);
                tags.putAll(put);
                return info.withTags(tags);
            });
        });
    }

    public CompletableFuture<StreamInfo> setMode(Session who, String name, StreamMode mode, Executor on) {
        return call(on, () -> {
            require(who, Permission.MANAGE, name, "change the capacity mode of");
            return store.change(who.vhostName(), name, info -> info.withMode(mode));
        });
    }

    /**
     * Closes an open shard and opens two children: one below {@code newStartingHashKey}, one from it. Records
     * routed before the split are in the parent, later ones in the children.
     */
    public CompletableFuture<StreamInfo> split(Session who, String name, int shard, BigInteger newStartingHashKey,
                                               Executor on) {
        return call(on, () -> {
            require(who, Permission.MANAGE, name, "split a shard of");
            return store.split(who.vhostName(), name, shard, newStartingHashKey);
        });
    }

    /** Closes two open shards with adjacent hash-key ranges and opens one child covering both. */
    public CompletableFuture<StreamInfo> merge(Session who, String name, int shard, int adjacentShard, Executor on) {
        return call(on, () -> {
            require(who, Permission.MANAGE, name, "merge shards of");
            return store.merge(who.vhostName(), name, shard, adjacentShard);
        });
    }

    /**
     * Brings the stream to {@code target} open shards in one change, by splits of the widest shard and merges of
     * the narrowest adjacent pair (intermediate shards close empty); readers follow the lineage as usual.
     */
    public CompletableFuture<StreamInfo> reshard(Session who, String name, int target, Executor on) {
        return call(on, () -> {
            require(who, Permission.MANAGE, name, "change the shard count of");
            if (target < 1 || target > 10_000) {
                throw BrokerException.invalid("a stream has 1 to 10000 shards, not " + target);
            }
            return store.reshard(who.vhostName(), name, target);
        });
    }

    // ------------------------------------------------------------------ records

    /**
     * Appends records, each to the open shard whose range holds its hash key; completes when they are on disk
     * (one fsync covers the appends of many callers), with a result per record in request order.
     *
     * @param admission per-shard admission (a protocol's throughput limits); refused records are not stored
     */
    public CompletableFuture<List<AppendResult>> append(Session who, String name, List<AppendRequest> records,
                                                        ShardAdmission admission, Executor on) {
        return call(on, () -> {
            require(who, Permission.SEND, name, "append to");
            for (AppendRequest r : records) {
                if (r.explicitHashKey() != null && !HashKeys.valid(r.explicitHashKey())) {
                    throw BrokerException.invalid("explicit hash key '" + r.explicitHashKey()
                            + "' is not a decimal number from 0 to 2^128 - 1");
                }
            }
            return store.append(who.vhostName(), name, records, admission);
        });
    }

    /** Reads a shard from an offset the reader holds; a reader behind the trim horizon continues from it. */
    public CompletableFuture<ReadResult> read(Session who, String name, int shard, long fromOffset, int maxRecords,
                                              long maxBytes, Executor on) {
        return call(on, () -> {
            require(who, Permission.CONSUME, name, "read");
            lookups.increment();
            return store.read(who.vhostName(), name, shard, fromOffset, Math.max(1, maxRecords), Math.max(1, maxBytes));
        });
    }

    /** Where a reader of the whole retained shard starts (its trim horizon). */
    public long firstOffset(Session who, String name, int shard) {
        require(who, Permission.CONSUME, name, "read");
        return store.firstOffset(who.vhostName(), name, shard);
    }

    /** Where a reader of only new records starts: after the last durable record (a closed shard's end). */
    public long endOffset(Session who, String name, int shard) {
        require(who, Permission.CONSUME, name, "read");
        lookups.increment();
        return store.endOffset(who.vhostName(), name, shard);
    }

    /**
     * Completes (on {@code on}) once the shard holds a durable record at or after {@code fromOffset}, or once it
     * can get no more records (closed by a split or merge, deleted): a reader at the end of a shard waits on
     * this rather than polling. Fails NOT_FOUND when the stream or shard does not exist.
     */
    public CompletableFuture<Void> awaitRecords(Session who, String name, int shard, long fromOffset, Executor on) {
        return call(on, () -> {
            require(who, Permission.CONSUME, name, "read");
            lookups.increment();
            return store.awaitRecords(who.vhostName(), name, shard, fromOffset);
        });
    }

    /** How many times readers have read a shard, asked for its end or waited on it (for operators and tests). */
    public long shardLookups() {
        return lookups.sum();
    }

    /** The first offset whose record arrived at or after {@code millis} (broker clock); the end if none. */
    public long offsetAt(Session who, String name, int shard, long millis) {
        require(who, Permission.CONSUME, name, "read");
        return store.offsetAt(who.vhostName(), name, shard, millis);
    }

    /** Applies retention now (it also runs every minute): for tests on a moved clock and for operators. */
    public CompletableFuture<Integer> enforceRetention() {
        return store.enforceRetention();
    }

    // ------------------------------------------------------------------ helpers

    private static void require(Session who, Permission p, String name, String verb) {
        if (!who.isAllowed(p, name)) {
            String message = "user '" + who.principal().name() + "' may not " + verb + " stream '" + name
                    + "' in vhost '" + who.vhostName() + "': that needs " + p.name().toLowerCase(java.util.Locale.ROOT)
                    + " permission";
            LOG.info("Refused: {}", message);
            throw BrokerException.unauthorized(message);
        }
    }

    private static void requireAny(Session who, String name) {
        if (!visible(who, name)) {
            String message = "user '" + who.principal().name() + "' holds no permission on stream '" + name
                    + "' in vhost '" + who.vhostName() + "'";
            LOG.info("Refused: {}", message);
            throw BrokerException.unauthorized(message);
        }
    }

    private static boolean visible(Session who, String name) {
        for (Permission p : Permission.values()) {
            if (who.isAllowed(p, name)) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code start} and hands its outcome (or its exception) to {@code on}. */
    private static <T> CompletableFuture<T> call(Executor on, java.util.function.Supplier<CompletableFuture<T>> start) {
        CompletableFuture<T> inner;
        try {
            inner = start.get();
        } catch (RuntimeException e) {
            inner = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        inner.whenComplete((v, t) -> on.execute(() -> {
            if (t != null) {
                out.completeExceptionally(BrokerException.from(t));
            } else {
                out.complete(v);
            }
        }));
        return out;
    }

    /** Finishes queued writes and closes the logs. */
    @Override
    public void close() {
        store.close();
    }
}
