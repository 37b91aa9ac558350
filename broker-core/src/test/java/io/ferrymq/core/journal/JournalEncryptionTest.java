package io.ferrymq.core.journal;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.atrest.WrongKeyException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.ferrymq.core.journal.JournalRecoveryTest.ack;
import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Encryption at rest of the journal: what is on disk, what recovery accepts, and what it refuses. */
class JournalEncryptionTest {

    private static final String SECRET = "top-secret-order-4711";

    private static AtRestKey key(int seed) {
        byte[] k = new byte[AtRestKey.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i);
        }
        return AtRestKey.of(k);
    }

    private static Journal journal(Path dir, AtRestKey key) {
        return Journal.open(JournalOptions.defaults(dir).withSegmentSize(64 * 1024).withEncryption(key));
    }

    /** Fills a journal with a queue and {@code n} messages whose bodies carry {@link #SECRET}; closes it as after kill -9. */
    private static void writeAndCrash(Path dir, AtRestKey key, int n) {
        Journal j = journal(dir, key);
        RecoveredState.of(j);
        j.append(queue(1, "orders")).join();
        for (int i = 1; i <= n; i++) {
            j.append(publish(1, i, SECRET + "-" + i)).join();
        }
        j.closeWithoutCleanMark();
    }

    private static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Segment.idOf(p).isPresent()).sorted().toList();
        }
    }

    /** Entry positions of an encrypted segment, in order. */
    private static List<Long> entryPositions(Path segment, AtRestKey key) throws Exception {
        List<Long> out = new ArrayList<>();
        try (EntryReader r = new EntryReader(segment, Segment.idOf(segment).getAsLong(), key)) {
            EntryReader.ReadEntry e;
            while ((e = r.next(-1)) != null) {
                out.add(e.position());
            }
        }
        return out;
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

    @Test
    void messagesSurviveARestartAndNoSegmentHoldsTheirPlaintext(@TempDir Path dir) throws Exception {
        AtRestKey key = key(1);
        Journal j = journal(dir, key);
        RecoveredState.of(j);
        j.append(queue(1, "orders")).join();
        for (int i = 1; i <= 50; i++) {
            j.append(publish(1, i, SECRET + "-" + i)).join();
        }
        j.append(ack(1, 7)).join();
        j.close();

        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] queueName = "orders".getBytes(StandardCharsets.UTF_8);
        for (Path segment : segments(dir)) {
            byte[] bytes = Files.readAllBytes(segment);
            assertThat(contains(bytes, needle)).as("%s holds a message body in clear", segment).isFalse();
            assertThat(contains(bytes, queueName)).as("%s holds a queue name in clear", segment).isFalse();
        }

        try (Journal again = journal(dir, key)) {
            RecoveredState s = RecoveredState.of(again);
            assertThat(s.clean).isTrue();
            assertThat(s.messageIdsIn(1)).hasSize(49).doesNotContain(7L);
            assertThat(s.body(50)).isEqualTo(SECRET + "-50");
        }
    }

    @Test
    void aTornEncryptedTailIsCutOffLikeATornPlainOne(@TempDir Path dir) throws Exception {
        AtRestKey key = key(2);
        writeAndCrash(dir, key, 20);
        Path last = segments(dir).get(segments(dir).size() - 1);
        List<Long> positions = entryPositions(last, key);
        long lastEntry = positions.get(positions.size() - 1);
        // kill -9 in the middle of the last write: the file ends inside the entry.
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ch.truncate(lastEntry + 30);
        }

        try (Journal again = journal(dir, key)) {
            RecoveredState s = RecoveredState.of(again);
            assertThat(s.clean).isFalse();
            assertThat(s.messageIdsIn(1)).hasSize(19).doesNotContain(20L);
            again.append(publish(1, 21, "after the crash")).join();
        }
        try (Journal third = journal(dir, key)) {
            assertThat(RecoveredState.of(third).body(21)).isEqualTo("after the crash");
        }
    }

    @Test
    void aTailWhoseTagFailsIsCutOffAsTorn(@TempDir Path dir) throws Exception {
        AtRestKey key = key(3);
        writeAndCrash(dir, key, 10);
        Path last = segments(dir).get(segments(dir).size() - 1);
        List<Long> positions = entryPositions(last, key);
        rewriteWithValidCrc(last, positions.get(positions.size() - 1), Entry.HEADER + 2);

        try (Journal again = journal(dir, key)) {
            RecoveredState s = RecoveredState.of(again);
            assertThat(s.messageIdsIn(1)).hasSize(9).doesNotContain(10L);
        }
    }

    @Test
    void aDamagedEntryInTheMiddleIsReportedAsCorruption(@TempDir Path dir) throws Exception {
        AtRestKey key = key(4);
        writeAndCrash(dir, key, 10);
        Path first = segments(dir).get(0);
        long victim = entryPositions(first, key).get(3);
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, victim + Entry.HEADER + 5);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, victim + Entry.HEADER + 5);
        }

        Journal again = journal(dir, key);
        assertThatThrownBy(() -> RecoveredState.of(again)).isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining(first.toString()).hasMessageContaining("offset " + victim);
        again.close();
    }

    @Test
    void anAlteredEntryWithARepairedCrcFailsItsTagAndStopsStartUp(@TempDir Path dir) throws Exception {
        AtRestKey key = key(5);
        writeAndCrash(dir, key, 10);
        Path first = segments(dir).get(0);
        long victim = entryPositions(first, key).get(3);
        // Someone who knows the format fixes up the CRC; only the GCM tag can notice.
        rewriteWithValidCrc(first, victim, Entry.HEADER + 5);

        Journal again = journal(dir, key);
        assertThatThrownBy(() -> RecoveredState.of(again)).isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("offset " + victim).hasMessageContaining("authentication tag mismatch");
        again.close();
    }

    @Test
    void theWrongKeyOrNoKeyStopsStartUpNamingBothKeyIds(@TempDir Path dir) {
        AtRestKey key = key(6);
        AtRestKey other = key(7);
        writeAndCrash(dir, key, 3);

        Journal wrong = journal(dir, other);
        assertThatThrownBy(() -> RecoveredState.of(wrong)).isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("was encrypted with key id " + key.idText())
                .hasMessageContaining("the configured key is " + other.idText());
        wrong.close();

        Journal none = journal(dir, null);
        assertThatThrownBy(() -> RecoveredState.of(none)).isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("key id " + key.idText()).hasMessageContaining("storage.encryption.key-file");
        none.close();
    }

    @Test
    void plainSegmentsFromBeforeEncryptionStayReadableAndCompactionReplacesThem(@TempDir Path dir) throws Exception {
        Journal plain = Journal.open(JournalOptions.defaults(dir).withSegmentSize(8 * 1024));
        RecoveredState.of(plain);
        plain.append(queue(1, "orders")).join();
        plain.append(publish(1, 1, SECRET + "-old")).join();
        plain.close();
        assertThat(segments(dir).stream().anyMatch(p -> {
            try {
                return contains(Files.readAllBytes(p), SECRET.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })).isTrue();

        AtRestKey key = key(8);
        Journal j = Journal.open(JournalOptions.defaults(dir).withSegmentSize(8 * 1024).withEncryption(key));
        assertThat(RecoveredState.of(j).body(1)).isEqualTo(SECRET + "-old");
        // The plain segment is all live, yet it is rewritten encrypted at once.
        await().untilAsserted(() -> assertThat(j.stats().compactions()).isPositive());
        j.append(publish(1, 2, "new")).join();
        j.close();

        byte[] needle = SECRET.getBytes(StandardCharsets.UTF_8);
        for (Path segment : segments(dir)) {
            assertThat(contains(Files.readAllBytes(segment), needle)).as("%s still in clear", segment).isFalse();
        }
        try (Journal again = Journal.open(JournalOptions.defaults(dir).withSegmentSize(8 * 1024).withEncryption(key))) {
            RecoveredState s = RecoveredState.of(again);
            assertThat(s.messageIdsIn(1)).containsExactly(1L, 2L);
            assertThat(s.body(1)).isEqualTo(SECRET + "-old");
            assertThat(s.queues).hasSize(1);
        }
    }

    @Test
    void compactionAndSnapshotsCopyRecordsOutOfEncryptedSegments(@TempDir Path dir) throws Exception {
        AtRestKey key = key(9);
        Journal j = Journal.open(JournalOptions.defaults(dir).withSegmentSize(8 * 1024).withEncryption(key));
        RecoveredState.of(j);
        j.append(queue(1, "orders")).join();
        j.append(new StorageRecord.PutState("mqtt.retained", "t", "kept".getBytes(StandardCharsets.UTF_8))).join();
        List<Long> kept = new ArrayList<>();
        String filler = "f".repeat(500);
        for (int i = 1; i < 150; i++) {
            j.append(publish(1, i, i % 25 == 0 ? SECRET + "-" + i : filler)).join();
            if (i % 25 == 0) {
                kept.add((long) i);
            } else {
                j.append(ack(1, i)).join();
            }
        }
        await().untilAsserted(() -> assertThat(j.stats().compactions()).isPositive());
        List<StorageRecord> streamed = new ArrayList<>();
        try (SnapshotStream stream = j.streamSnapshot().join()) {
            byte[] entry;
            while ((entry = stream.next()) != null) {
                streamed.addAll(EntryDecoder.records(entry));
            }
        }
        List<StorageRecord> inMemory = new ArrayList<>();
        j.snapshot().join().entries().forEach(e -> inMemory.addAll(EntryDecoder.records(e)));
        j.close();
        assertThat(streamed).filteredOn(r -> r instanceof StorageRecord.AddMessage)
                .extracting(r -> ((StorageRecord.AddMessage) r).message().id()).containsExactlyInAnyOrderElementsOf(kept);
        assertThat(inMemory).filteredOn(r -> r instanceof StorageRecord.AddMessage).hasSize(kept.size());
        assertThat(streamed).anyMatch(r -> r instanceof StorageRecord.PutState);

        try (Journal again = Journal.open(JournalOptions.defaults(dir).withSegmentSize(8 * 1024).withEncryption(key))) {
            RecoveredState s = RecoveredState.of(again);
            assertThat(s.messageIdsIn(1)).containsExactlyElementsOf(kept);
            assertThat(s.body(kept.get(0))).isEqualTo(SECRET + "-" + kept.get(0));
            assertThat(s.state).containsEntry("mqtt.retained/t", "kept");
        }
    }

    /** Flips one byte at {@code entry + at} and writes a matching CRC, as a deliberate edit would. */
    private static void rewriteWithValidCrc(Path segment, long entry, int at) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(4);
            ch.read(len, entry);
            byte[] bytes = new byte[4 + len.flip().getInt()];
            ch.read(ByteBuffer.wrap(bytes), entry);
            bytes[at] ^= 0x40;
            Entry.putInt(bytes, 4, Entry.crc(bytes, 8, bytes.length - 8));
            ch.write(ByteBuffer.wrap(bytes), entry);
        }
    }
}
