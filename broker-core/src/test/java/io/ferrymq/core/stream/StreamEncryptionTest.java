package io.ferrymq.core.stream;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.WrongKeyException;
import io.ferrymq.core.exec.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stream segment files under storage.encryption: ciphertext on disk, the same records back, torn tails and wrong keys. */
class StreamEncryptionTest {

    private static final long DAY = TimeUnit.DAYS.toMillis(1);
    private static final String SECRET = "kinesis-secret-reading-5150";

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

    private static AtRestKey key(int seed) {
        byte[] k = new byte[AtRestKey.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 13 + i);
        }
        return AtRestKey.of(k);
    }

    private StreamStore store(AtRestKey key) {
        StreamStore s = new StreamStore(new StreamStoreOptions(dir, 4096, true).withEncryption(key), now::get,
                (task, delay) -> Scheduler.Cancellable.NONE, blocking);
        s.recover();
        open.add(s);
        return s;
    }

    private void fill(StreamStore store, int from, int to) {
        for (int i = from; i < to; i++) {
            store.append("/", "s", List.of(new AppendRequest("key-" + i, null,
                    (SECRET + "-" + i).getBytes(StandardCharsets.UTF_8))), ShardAdmission.ALL).join();
        }
    }

    private List<String> readAll(StreamStore store) {
        return store.read("/", "s", 0, 0, 10_000, 1 << 24).join().records().stream()
                .map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(LogSegment::isSegment).sorted().toList();
        }
    }

    @Test
    void recordsAreEncryptedOnDiskAndReadBackAfterARestart() throws Exception {
        AtRestKey key = key(1);
        StreamStore store = store(key);
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        fill(store, 0, 100);
        assertThat(readAll(store)).hasSize(100);
        store.close();
        assertThat(segments()).hasSizeGreaterThan(1);
        for (Path f : segments()) {
            assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("%s", f).doesNotContain(SECRET);
        }

        StreamStore again = store(key);
        fill(again, 100, 110);
        List<String> records = readAll(again);
        assertThat(records).hasSize(110);
        assertThat(records.get(0)).isEqualTo(SECRET + "-0");
        assertThat(records.get(109)).isEqualTo(SECRET + "-109");
    }

    @Test
    void aTornEncryptedTailIsCutOffAndAppendsGoToAFreshSegment() throws Exception {
        AtRestKey key = key(2);
        StreamStore store = store(key);
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        fill(store, 0, 20);
        store.close();
        Path last = segments().get(segments().size() - 1);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10);
        }
        int before = segments().size();

        StreamStore again = store(key);
        assertThat(readAll(again)).hasSize(19).last().isEqualTo(SECRET + "-18");
        fill(again, 19, 25);
        // The recovered segment is never appended to: its positions (the nonces) past the cut are not reused.
        assertThat(segments()).hasSize(before + 1);
        assertThat(readAll(again)).hasSize(25).last().isEqualTo(SECRET + "-24");
        again.close();
        assertThat(readAll(store(key))).hasSize(25);
    }

    @Test
    void anotherKeyStopsRecoveryNamingBothKeyIds() {
        AtRestKey key = key(3);
        AtRestKey other = key(4);
        StreamStore store = store(key);
        store.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        fill(store, 0, 3);
        store.close();
        assertThatThrownBy(() -> store(other)).isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("was encrypted with key id " + key.idText())
                .hasMessageContaining("the configured key is " + other.idText());
    }

    @Test
    void plainSegmentsFromBeforeEncryptionStayReadableAndNewRecordsAreEncrypted() throws Exception {
        StreamStore plain = store(null);
        plain.create("/", new StreamSpec("s", 1, StreamMode.PROVISIONED, DAY, 0, Map.of())).join();
        fill(plain, 0, 5);
        plain.close();
        List<Path> plainFiles = segments();

        StreamStore encrypted = store(key(5));
        fill(encrypted, 5, 10);
        assertThat(readAll(encrypted)).hasSize(10).first().isEqualTo(SECRET + "-0");
        for (Path f : segments()) {
            if (!plainFiles.contains(f)) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
            }
        }
    }
}
