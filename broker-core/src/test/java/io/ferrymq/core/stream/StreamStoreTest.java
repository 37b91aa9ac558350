package io.ferrymq.core.stream;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamStoreTest {

    private static final long DAY = TimeUnit.DAYS.toMillis(1);

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ExecutorService blocking = Executors.newFixedThreadPool(2);
    private final List<StreamStore> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(StreamStore::close);
        blocking.shutdownNow();
    }

    private StreamStore store() {
        StreamStore s = new StreamStore(new StreamStoreOptions(dir, 4096, true), now::get,
                (task, delay) -> Scheduler.Cancellable.NONE, blocking);
        s.recover();
        open.add(s);
        return s;
    }

    private static AppendRequest at(String hashKey, String data) {
        return new AppendRequest("p", hashKey, data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(ReadResult r) {
        return r.records().stream().map(x -> new String(x.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void appendsFromManyCallersAreAllOnDiskWhenTheirFuturesComplete() throws Exception {
        StreamStore store = store();
        store.create("/", new StreamSpec("s", 2, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        List<CompletableFuture<List<AppendResult>>> appends = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 200; i++) {
                int n = i;
                appends.add(CompletableFuture.supplyAsync(() -> store.append("/", "s",
                        List.of(new AppendRequest("key-" + n, null, ("r" + n).getBytes(StandardCharsets.UTF_8))),
                        ShardAdmission.ALL), callers).thenCompose(f -> f));
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        store.close();
        StreamStore again = store();
        long total = again.read("/", "s", 0, 0, 1000, 1 << 20).join().records().size()
                + again.read("/", "s", 1, 0, 1000, 1 << 20).join().records().size();
        assertThat(total).isEqualTo(200);
    }

    @Test
    void aSplitEndsTheParentAfterExactlyTheRecordsRoutedBeforeIt() {
        StreamStore store = store();
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        List<CompletableFuture<List<AppendResult>>> before = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            before.add(store.append("/", "s", List.of(at("5", "b" + i)), ShardAdmission.ALL));
        }
        CompletableFuture<StreamInfo> split = store.split("/", "s", 0, BigInteger.TEN);
        CompletableFuture<List<AppendResult>> after = store.append("/", "s", List.of(at("5", "low"), at("11", "high")),
                ShardAdmission.ALL);
        StreamInfo info = split.join();

        assertThat(before).allSatisfy(f -> assertThat(f.join().get(0).shard()).isZero());
        assertThat(info.shard(0).endOffset()).isEqualTo(50);
        assertThat(after.join()).extracting(AppendResult::shard).containsExactly(1, 2);
        ReadResult parent = store.read("/", "s", 0, 0, 1000, 1 << 20).join();
        assertThat(parent.records()).hasSize(50);
        assertThat(parent.shardEnded()).isTrue();
        assertThat(texts(store.read("/", "s", 1, 0, 10, 1 << 20).join())).containsExactly("low");
        assertThat(texts(store.read("/", "s", 2, 0, 10, 1 << 20).join())).containsExactly("high");
    }

    @Test
    void reshardingKeepsTheHashKeySpaceCoveredAndRecordsItsLineage() {
        StreamStore store = store();
        store.create("/", new StreamSpec("s", 3, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        StreamInfo up = store.reshard("/", "s", 5).join();
        assertThat(up.openShards()).hasSize(5);
        assertThat(coverage(up)).isTrue();
        StreamInfo down = store.reshard("/", "s", 2).join();
        assertThat(down.openShards()).hasSize(2);
        assertThat(coverage(down)).isTrue();
        assertThat(down.shards()).filteredOn(s -> !s.open()).allSatisfy(s -> assertThat(s.endOffset()).isZero());
        assertThat(down.openShards()).allSatisfy(s -> assertThat(s.parent()).isNotNegative());
    }

    private static boolean coverage(StreamInfo info) {
        List<ShardInfo> open = new ArrayList<>(info.openShards());
        open.sort(java.util.Comparator.comparing(ShardInfo::hashStart));
        BigInteger next = BigInteger.ZERO;
        for (ShardInfo s : open) {
            if (!s.hashStart().equals(next)) {
                return false;
            }
            next = s.hashEnd().add(BigInteger.ONE);
        }
        return next.equals(HashKeys.MAX.add(BigInteger.ONE));
    }

    @Test
    void retentionOnTheBrokerClockHidesOldRecordsAndDeletesTheirSegments() {
        StreamStore store = store();
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        for (int i = 0; i < 6; i++) {
            store.append("/", "s", List.of(new AppendRequest("p", null, new byte[1500])), ShardAdmission.ALL).join();
        }
        now.addAndGet(DAY + TimeUnit.HOURS.toMillis(2));
        store.append("/", "s", List.of(at("1", "fresh")), ShardAdmission.ALL).join();

        assertThat(texts(store.read("/", "s", 0, 0, 100, 1 << 20).join())).containsExactly("fresh");
        assertThat(store.firstOffset("/", "s", 0)).isEqualTo(6);
        assertThat(store.enforceRetention().join()).isPositive();
        assertThat(texts(store.read("/", "s", 0, 0, 100, 1 << 20).join())).containsExactly("fresh");
    }

    @Test
    void aDeletedStreamLeavesNothingOnDiskAndItsNameCanBeReused() throws Exception {
        StreamStore store = store();
        store.create("/", new StreamSpec("gone", 2, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        store.append("/", "gone", List.of(at("1", "x")), ShardAdmission.ALL).join();
        store.delete("/", "gone").join();
        assertThatThrownBy(() -> store.info("/", "gone")).isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
        }
        store.create("/", new StreamSpec("gone", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        assertThat(store.read("/", "gone", 0, 0, 10, 1 << 20).join().records()).isEmpty();
    }

    @Test
    void creatingAStreamTwiceFailsWithPreconditionFailed() {
        StreamStore store = store();
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        assertThatThrownBy(() -> store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join())
                .hasCauseInstanceOf(BrokerException.class).hasMessageContaining("already exists");
        // Another vhost has its own names.
        store.create("other", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        assertThat(store.list("other")).extracting(StreamInfo::name).containsExactly("s");
    }
}
