package io.ferrymq.core.stream;

import io.ferrymq.core.exec.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream replication seam: a change is confirmed only once the replicator's future completes, every change
 * reaches the replicator in order, and a {@link StreamReplica} fed with them (or with a snapshot's segment
 * files) is a store that recovers the same records under the same offsets and arrival times.
 */
class StreamReplicationTest {

    private static final long DAY = TimeUnit.DAYS.toMillis(1);

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ExecutorService blocking = Executors.newFixedThreadPool(2);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        blocking.shutdownNow();
    }

    /** Holds every change's future until the test completes it. */
    private static final class Held implements StreamReplicator {
        final List<StreamChange> changes = new ArrayList<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();
        final boolean confirmAtOnce;
        StreamSnapshots snapshots;

        Held(boolean confirmAtOnce) {
            this.confirmAtOnce = confirmAtOnce;
        }

        @Override
        public synchronized CompletableFuture<Void> replicate(StreamChange change) {
            changes.add(change);
            if (confirmAtOnce) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        }

        @Override
        public void attach(StreamSnapshots s) {
            snapshots = s;
        }

        synchronized void releaseAll() {
            futures.forEach(f -> f.complete(null));
        }

        synchronized List<StreamChange> changes() {
            return List.copyOf(changes);
        }
    }

    private StreamStore store(Path at, StreamReplicator r) {
        StreamStore s = new StreamStore(new StreamStoreOptions(at, 4096, true, r), now::get,
                (task, delay) -> Scheduler.Cancellable.NONE, blocking);
        s.recover();
        open.add(s);
        return s;
    }

    private static AppendRequest record(String key, String data) {
        return new AppendRequest(key, null, data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> all(StreamStore s, String name) {
        List<String> out = new ArrayList<>();
        for (ShardInfo sh : s.info("/", name).shards()) {
            for (StreamRecord r : s.read("/", name, sh.index(), 0, 10_000, 1 << 24).join().records()) {
                out.add(sh.index() + "/" + r.offset() + "/" + r.arrivalMillis() + "=" + new String(r.data(),
                        StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void anAppendIsConfirmedOnlyOnceTheReplicatorHasIt() throws Exception {
        Held held = new Held(false);
        StreamStore store = store(dir.resolve("active"), held);
        CompletableFuture<StreamInfo> created = store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY,
                0, Map.of()));
        org.awaitility.Awaitility.await().until(() -> held.changes().size() == 1);
        assertThat(created).isNotDone();
        held.releaseAll();
        created.get(10, TimeUnit.SECONDS);

        CompletableFuture<List<AppendResult>> appended = store.append("/", "s", List.of(record("k", "a")),
                ShardAdmission.ALL);
        org.awaitility.Awaitility.await().until(() -> held.changes().size() == 2);
        // On the local disk and readable, yet not answered: the standby does not have it yet.
        org.awaitility.Awaitility.await().until(() -> store.endOffset("/", "s", 0) == 1);
        assertThat(appended).isNotDone();
        held.releaseAll();
        assertThat(appended.get(10, TimeUnit.SECONDS)).extracting(AppendResult::offset).containsExactly(0L);
        assertThat(held.changes().get(1)).isInstanceOfSatisfying(StreamChange.Appended.class, a -> {
            assertThat(a.shard()).isZero();
            assertThat(a.records()).extracting(StreamRecord::offset).containsExactly(0L);
        });
    }

    @Test
    void aReplicaFedTheChangesOrASnapshotRecoversTheSameStreams() throws Exception {
        Held held = new Held(true);
        StreamStore active = store(dir.resolve("active"), held);
        List<CompletableFuture<?>> all = new ArrayList<>();
        active.create("/", new StreamSpec("s", 2, StreamMode.PROVISIONED, DAY, 0, Map.of("t", "v"))).join();
        for (int i = 0; i < 300; i++) {
            now.addAndGet(3);
            // Small segments (4 KiB): the shards roll over many files.
            all.add(active.append("/", "s", List.of(record("key-" + i, "r" + i + "x".repeat(50))),
                    ShardAdmission.ALL));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        active.split("/", "s", 0, BigInteger.ONE.shiftLeft(126)).join();
        active.append("/", "s", List.of(record("after", "after-split")), ShardAdmission.ALL).join();
        active.create("/", new StreamSpec("gone", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        active.delete("/", "gone").join();

        // Fed change by change, as a standby in sync is.
        Path copyDir = dir.resolve("copy");
        try (StreamReplica replica = StreamReplica.open(copyDir, true)) {
            for (StreamChange c : held.changes()) {
                replica.apply(c);
            }
            replica.force();
        }
        // From a snapshot's segment files, as a resyncing standby is.
        Path snapDir = dir.resolve("snap");
        StreamSnapshot snap = held.snapshots.take(() -> { }).get(10, TimeUnit.SECONDS);
        try (StreamReplica replica = StreamReplica.open(snapDir, true)) {
            replica.clear();
            for (StreamInfo info : snap.streams()) {
                replica.apply(new StreamChange.Defined(info));
            }
            for (StreamSnapshot.SegmentFile f : snap.segments()) {
                byte[] bytes = Files.readAllBytes(f.file());
                replica.writeSegment(f.vhost(), f.stream(), f.shard(), f.baseOffset(), 0,
                        java.util.Arrays.copyOf(bytes, (int) f.length()));
            }
            replica.reopen();
        }

        List<String> expected = all(active, "s");
        assertThat(expected).hasSize(301);
        for (Path copy : List.of(copyDir, snapDir)) {
            StreamStore promoted = store(copy, null);
            assertThat(promoted.list("/")).extracting(StreamInfo::name).containsExactly("s");
            assertThat(promoted.info("/", "s").shards()).isEqualTo(active.info("/", "s").shards());
            assertThat(promoted.info("/", "s").tags()).isEqualTo(Map.of("t", "v"));
            assertThat(all(promoted, "s")).isEqualTo(expected);
        }
    }

    private static io.ferrymq.core.atrest.AtRestKey key(String which) {
        if (which.isEmpty()) {
            return null;
        }
        byte[] k = new byte[io.ferrymq.core.atrest.AtRestKey.KEY_BYTES];
        java.util.Arrays.fill(k, (byte) which.charAt(0));
        return io.ferrymq.core.atrest.AtRestKey.of(k);
    }

    private StreamStore store(Path at, StreamReplicator r, io.ferrymq.core.atrest.AtRestKey key) {
        StreamStore s = new StreamStore(new StreamStoreOptions(at, 4096, true, r, key), now::get,
                (task, delay) -> Scheduler.Cancellable.NONE, blocking);
        s.recover();
        open.add(s);
        return s;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "active key ''{0}'', copy key ''{1}''")
    @org.junit.jupiter.params.provider.CsvSource({"a, b", "a, ''", "'', b"})
    void aSnapshotCopiedInPlainRecordsIsLaidOutWithTheCopysOwnKey(String activeKey, String copyKey) throws Exception {
        Held held = new Held(true);
        StreamStore active = store(dir.resolve("active"), held, key(activeKey));
        active.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        for (int i = 0; i < 200; i++) {
            now.addAndGet(3);
            active.append("/", "s", List.of(record("key-" + i, "secret-record-" + i + "x".repeat(50 + i * 10))),
                    ShardAdmission.ALL).join();
        }
        StreamSnapshot snap = held.snapshots.take(() -> { }).get(10, TimeUnit.SECONDS);
        assertThat(snap.segments()).hasSizeGreaterThan(3);
        Path copyDir = dir.resolve("copy");
        try (StreamReplica replica = StreamReplica.open(copyDir, true, key(copyKey))) {
            replica.clear();
            for (StreamInfo info : snap.streams()) {
                replica.apply(new StreamChange.Defined(info));
            }
            for (StreamSnapshot.SegmentFile f : snap.segments()) {
                try (SegmentFileReader in = snap.reader(f)) {
                    SegmentFileReader.Chunk c;
                    // Small chunks (and records larger than one): records are never split.
                    while ((c = in.next(1_000)) != null) {
                        replica.writeSegment(f.vhost(), f.stream(), f.shard(), f.baseOffset(), c.position(),
                                c.records());
                    }
                }
            }
            replica.reopen();
        }
        if (key(copyKey) != null) {
            try (var files = Files.walk(copyDir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".seg")).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f)
                            .doesNotContain("secret-record-");
                }
            }
        }
        List<String> expected = all(active, "s");
        assertThat(expected).hasSize(200);
        assertThat(all(store(copyDir, null, key(copyKey)), "s")).isEqualTo(expected);
    }

    @Test
    void aReaderAtTheEndIsWokenByTheNextAppendAndByTheShardClosing() throws Exception {
        StreamStore store = store(dir.resolve("s"), null);
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        CompletableFuture<Void> waiting = store.awaitRecords("/", "s", 0, 0);
        assertThat(waiting).isNotDone();
        store.append("/", "s", List.of(record("k", "a")), ShardAdmission.ALL).join();
        waiting.get(10, TimeUnit.SECONDS);

        assertThat(store.awaitRecords("/", "s", 0, 0)).isDone();
        CompletableFuture<Void> atEnd = store.awaitRecords("/", "s", 0, 1);
        assertThat(atEnd).isNotDone();
        store.split("/", "s", 0, BigInteger.ONE.shiftLeft(100)).join();
        atEnd.get(10, TimeUnit.SECONDS);
    }
}
