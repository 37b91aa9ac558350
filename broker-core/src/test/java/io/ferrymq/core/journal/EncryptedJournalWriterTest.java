package io.ferrymq.core.journal;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.FileSealer;
import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The split journal's writer with encryption at rest: it seals each entry in its batch buffer, ships the entry
 * plain to a replica (which seals it with its own key), never seals a second entry at a position of a segment it
 * recovered, and grows a segment for an entry larger than it.
 */
class EncryptedJournalWriterTest {

    private static final String SECRET = "top-secret-order-4711";
    private static final long SEGMENT = 64 * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Where the key id and then the salt sit in an encrypted segment's header. */
    private static final int KEY_ID_AT = Segment.FILE_HEADER;
    private static final int SALT_AT = Segment.FILE_HEADER + AtRestKey.ID_BYTES;

    private static AtRestKey key(int seed) {
        byte[] k = new byte[AtRestKey.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return AtRestKey.of(k);
    }

    private static JournalOptions options(Path dir, AtRestKey key) {
        return JournalOptions.defaults(dir).withSegmentSize(SEGMENT).withEncryption(key);
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Segment.idOf(p).isPresent()).sorted().toList();
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void assertNoPlaintextIn(Path dir) throws IOException {
        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        for (Path segment : segments(dir)) {
            assertThat(contains(Files.readAllBytes(segment), needle)).as("%s holds a message body in clear", segment)
                    .isFalse();
        }
    }

    private static byte[] header(Path segment, int from, int length) throws IOException {
        byte[] all = new byte[from + length];
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(all);
            while (b.hasRemaining() && ch.read(b, b.position()) >= 0) {
                // read the header
            }
        }
        return Arrays.copyOfRange(all, from, from + length);
    }

    @Test
    void replicasGetPlainEntriesAndAStandbyEncryptsThemWithItsOwnKey(@TempDir Path dir) throws Exception {
        List<byte[]> shipped = new CopyOnWriteArrayList<>();
        Replicator collector = new Replicator() {
            @Override
            public CompletableFuture<Void> replicate(long sequence, byte[] entry) {
                throw new AssertionError("entries are shipped in batches");
            }

            @Override
            public CompletableFuture<Void> replicate(long first, long last, byte[] entries) {
                shipped.add(entries);
                return CompletableFuture.completedFuture(null);
            }
        };
        AtRestKey activeKey = key(1);
        AtRestKey standbyKey = key(2);
        Path active = dir.resolve("active");
        Path standby = dir.resolve("standby");
        try (Journal j = Journal.open(options(active, activeKey).withReplicator(collector))) {
            RecoveredState.of(j);
            j.append(List.of(queue(1, "orders"))).join();
            for (int i = 1; i <= 100; i++) {
                j.append(publish(1, i, SECRET + "-" + i)).join();
            }
        }
        assertNoPlaintextIn(active);

        // What the replicator got is plain: the CRCs of plain entries hold and the records decode.
        List<Long> shippedIds = new ArrayList<>();
        for (byte[] batch : shipped) {
            for (int at = 0; at < batch.length; ) {
                int size = Entry.getInt(batch, at) + 4;
                for (StorageRecord r : EntryDecoder.records(Arrays.copyOfRange(batch, at, at + size))) {
                    if (r instanceof StorageRecord.AddMessage add) {
                        shippedIds.add(add.messageId());
                    }
                }
                at += size;
            }
        }
        assertThat(shippedIds).hasSize(100);
        assertThat(contains(shipped.get(shipped.size() - 1), SECRET.getBytes(StandardCharsets.UTF_8))).isTrue();

        try (Journal copy = Journal.open(options(standby, standbyKey))) {
            RecoveredState.of(copy);
            for (byte[] batch : shipped) {
                copy.appendEntries(batch).join();
            }
        }
        assertNoPlaintextIn(standby);
        for (Path segment : segments(standby)) {
            assertThat(header(segment, KEY_ID_AT, AtRestKey.ID_BYTES)).as("sealed with the standby's own key")
                    .containsExactly(standbyKey.id());
        }
        try (Journal copy = Journal.open(options(standby, standbyKey))) {
            RecoveredState s = RecoveredState.of(copy);
            assertThat(s.messageIdsIn(1)).hasSize(100);
            assertThat(s.body(100)).isEqualTo(SECRET + "-100");
        }
    }

    @Test
    void afterACrashWithATornTailNoPositionOfARecoveredSegmentIsSealedAgain(@TempDir Path dir) throws Exception {
        AtRestKey key = key(3);
        Journal first = Journal.open(options(dir, key));
        RecoveredState.of(first);
        first.append(List.of(queue(1, "orders"))).join();
        for (int i = 1; i <= 20; i++) {
            first.append(publish(1, i, SECRET + "-" + i)).join();
        }
        first.closeWithoutCleanMark();
        List<Path> before = segments(dir);
        Path last = before.get(before.size() - 1);
        long end;
        try (EntryReader r = new EntryReader(last, Segment.idOf(last).getAsLong(), key)) {
            while (r.next(-1) != null) {
                // to the end of the data
            }
            end = r.position();
        }
        // A write torn by the crash: an entry's start that never got its end, zeros after it.
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ByteBuffer torn = ByteBuffer.allocate(64).putInt(500).putInt(0x1234).putLong(99).put(Entry.KIND_RECORDS);
            while (torn.hasRemaining()) {
                torn.put((byte) 0x5a);
            }
            ch.write(torn.flip(), end);
        }

        Journal again = Journal.open(options(dir, key));
        RecoveredState.of(again);
        // The torn tail is cut off: its positions are the ones a writer appending to this segment would take next.
        byte[] recovered = Files.readAllBytes(last);
        assertThat(recovered.length).isEqualTo(end);
        for (int i = 21; i <= 200; i++) {
            again.append(publish(1, i, SECRET + "-" + i)).join();
        }
        again.close();

        assertThat(Files.readAllBytes(last)).as("nothing was written into the recovered segment")
                .containsExactly(recovered);
        List<Path> after = segments(dir);
        assertThat(after.size()).isGreaterThan(before.size());
        Set<String> salts = new HashSet<>();
        for (Path segment : after) {
            assertThat(salts.add(Arrays.toString(header(segment, SALT_AT, FileSealer.SALT))))
                    .as("%s has a key of its own", segment).isTrue();
        }
        try (Journal reopened = Journal.open(options(dir, key))) {
            RecoveredState s = RecoveredState.of(reopened);
            assertThat(s.messageIdsIn(1)).hasSize(200);
        }
    }

    @Test
    void anEntryLargerThanASegmentGrowsItsEncryptedSegmentAndIsReadBack(@TempDir Path dir) throws Exception {
        AtRestKey key = key(4);
        String big = SECRET + "-" + "y".repeat((int) (3 * SEGMENT));
        try (Journal j = Journal.open(options(dir, key))) {
            RecoveredState.of(j);
            j.append(List.of(queue(1, "orders"))).join();
            j.append(publish(1, 1, big)).join();
            j.append(publish(1, 2, SECRET + "-2")).join();
        }
        assertNoPlaintextIn(dir);
        try (Journal j = Journal.open(options(dir, key))) {
            RecoveredState s = RecoveredState.of(j);
            assertThat(s.messageIdsIn(1)).containsExactlyInAnyOrder(1L, 2L);
            assertThat(s.body(1)).isEqualTo(big);
            assertThat(s.body(2)).isEqualTo(SECRET + "-2");
        }
    }

    @Test
    void anEntryHeldForLackOfRoomToGrowItsSegmentIsSealedOnlyOnceItsRoomIsTaken(@TempDir Path dir) throws Exception {
        AtRestKey key = key(5);
        NoGrowthDisk disk = new NoGrowthDisk();
        String big = SECRET + "-" + "z".repeat((int) (2 * SEGMENT));
        Journal j = Journal.open(options(dir, key), disk);
        RecoveredState.of(j);
        j.append(List.of(queue(1, "orders"))).join();
        disk.full = true;
        // Bigger than a segment: it goes to a fresh segment and grows it, which the full disk refuses.
        CompletableFuture<Void> held = j.append(publish(1, 1, big));
        await().atMost(PATIENCE).until(() -> j.writeAlarm() != null);
        assertThat(held).as("held for space, neither failed nor confirmed").isNotDone();
        disk.full = false;
        // Written where it was to go when it was first tried: had it been sealed then, this would seal that
        // position of the segment a second time (and the JDK's GCM refuses to reuse a nonce).
        await().atMost(PATIENCE).until(held::isDone);
        held.join();
        j.append(publish(1, 2, SECRET + "-2")).join();
        j.close();

        assertNoPlaintextIn(dir);
        try (Journal again = Journal.open(options(dir, key))) {
            RecoveredState s = RecoveredState.of(again);
            assertThat(s.messageIdsIn(1)).containsExactlyInAnyOrder(1L, 2L);
            assertThat(s.body(1)).isEqualTo(big);
        }
    }
}
