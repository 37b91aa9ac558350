package io.ferrymq.core.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.ferrymq.core.journal.JournalRecoveryTest.journal;
import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Torn final writes are cut off; damage anywhere else stops start-up unless told to skip it. */
class JournalDamageTest {

    private static List<Path> segments(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** Writes {@code n} one-message entries and returns the file offsets of each entry (one segment). */
    private static long[] writeEntries(Path dir, int n) {
        Journal j = journal(dir, 1024 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        for (int i = 1; i <= n; i++) {
            j.append(publish(1, i, "message-" + i)).join();
        }
        // Not closed cleanly: the directory is left as a crash would leave it.
        Path image = dir.resolveSibling(dir.getFileName() + "-image");
        try {
            JournalRecoveryTest.crashImage(dir, image);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            j.close();
        }
        long[] positions = new long[n + 1];
        try {
            Path first = segments(image).get(0);
            readPositions(first, positions);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return positions;
    }

    private static void readPositions(Path first, long[] positions) throws Exception {
        try (EntryReader r = new EntryReader(first, Segment.idOf(first).getAsLong())) {
            for (int i = 0; i < positions.length; i++) {
                positions[i] = r.next(-1).position();
            }
        }
    }

    private static Path image(Path dir) {
        return dir.resolveSibling(dir.getFileName() + "-image");
    }

    @Test
    void aTornLastEntryIsCutOffAndEverythingBeforeItRecovers(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        long[] at = writeEntries(dir, 5);
        Path seg = segments(image(dir)).get(0);
        long lastEnd;
        try (EntryReader r = new EntryReader(seg, Segment.idOf(seg).getAsLong())) {
            EntryReader.ReadEntry e;
            long end = 0;
            while ((e = r.next(-1)) != null) {
                end = e.end();
            }
            lastEnd = end;
        }
        // Tear the last entry: zero its second half, as a write cut short by a crash leaves it.
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            long start = at[5];
            long mid = start + (lastEnd - start) / 2;
            f.seek(mid);
            f.write(new byte[(int) (lastEnd - mid)]);
        }
        Journal j = journal(image(dir), 1024 * 1024);
        RecoveredState s = RecoveredState.of(j);
        j.close();
        assertThat(s.messageIdsIn(1)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(Files.size(seg)).isEqualTo(at[5]);
    }

    @Test
    void damageInTheMiddleStopsStartUpNamingFileAndOffset(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        long[] at = writeEntries(dir, 5);
        Path seg = segments(image(dir)).get(0);
        flipByte(seg, at[2] + Entry.HEADER + 3);
        assertThatThrownBy(() -> RecoveredState.of(journal(image(dir), 1024 * 1024)))
                .isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining(seg.toString())
                .hasMessageContaining("offset " + at[2])
                .hasMessageContaining("CRC");
    }

    @Test
    void skipCorruptLosesOnlyTheDamagedEntry(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        long[] at = writeEntries(dir, 5);
        Path seg = segments(image(dir)).get(0);
        flipByte(seg, at[2] + Entry.HEADER + 3);
        Journal j = Journal.open(JournalOptions.defaults(image(dir)).withSegmentSize(1024 * 1024).withSkipCorrupt(true));
        RecoveredState s = RecoveredState.of(j);
        j.close();
        assertThat(s.messageIdsIn(1)).containsExactly(1L, 3L, 4L, 5L);
    }

    @Test
    void garbageAfterAValidTailIsCorruptionNotATornWrite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        long[] at = writeEntries(dir, 3);
        Path seg = segments(image(dir)).get(0);
        // Damage entry 2 and leave entry 3 intact after it: something was written after the damage.
        flipByte(seg, at[2] + Entry.HEADER + 1);
        assertThatThrownBy(() -> RecoveredState.of(journal(image(dir), 1024 * 1024)))
                .isInstanceOf(JournalCorruptedException.class);
    }

    private static void flipByte(Path file, long offset) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x5a);
        }
    }
}
