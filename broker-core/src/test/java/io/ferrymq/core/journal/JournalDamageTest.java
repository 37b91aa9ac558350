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

    /** Writes {@code n} one-message entries to segments of {@code segmentSize}; returns a crash image of them. */
    private static Path writeMany(Path dir, int n, long segmentSize) throws Exception {
        Journal j = journal(dir, segmentSize);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        for (int i = 1; i <= n; i++) {
            j.append(publish(1, i, "message-" + i)).join();
        }
        try {
            return JournalRecoveryTest.crashImage(dir, image(dir));
        } finally {
            j.close();
        }
    }

    /** Offset of every entry in a segment, in order. */
    private static List<Long> entryOffsets(Path seg) throws Exception {
        List<Long> out = new java.util.ArrayList<>();
        try (EntryReader r = new EntryReader(seg, Segment.idOf(seg).getAsLong())) {
            EntryReader.ReadEntry e;
            while ((e = r.next(-1)) != null) {
                out.add(e.position());
            }
        }
        return out;
    }

    private static void writeInt(Path file, long offset, int value) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.writeInt(value);
        }
    }

    private static List<Long> allBut(int n, long lost) {
        return java.util.stream.LongStream.rangeClosed(1, n).filter(i -> i != lost).boxed().toList();
    }

    @Test
    void skipCorruptResynchronisesAfterADamagedLengthFieldAndLosesOnlyThatEntry(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        Path image = writeMany(dir, 2_000, 64 * 1024);
        List<Path> segs = segments(image);
        assertThat(segs).hasSizeGreaterThan(2);
        List<Long> offsets = entryOffsets(segs.get(0));
        int middle = offsets.size() / 2;
        // Entry 0 of the first segment creates the queue, so entry k carries message k.
        writeInt(segs.get(0), offsets.get(middle), 0x7ff0_0000);
        try (JournalLog log = new JournalLog()) {
            Journal j = Journal.open(JournalOptions.defaults(image).withSegmentSize(64 * 1024).withSkipCorrupt(true));
            RecoveredState s = RecoveredState.of(j);
            j.close();
            assertThat(s.messageIdsIn(1)).containsExactlyElementsOf(allBut(2_000, middle));
            long damagedBytes = offsets.get(middle + 1) - offsets.get(middle);
            assertThat(log.lines()).anySatisfy(line -> assertThat(line)
                    .startsWith("ERROR Journal: SKIPPED 1 damaged entries (" + damagedBytes + " bytes) in "
                            + segs.get(0) + " from offset " + offsets.get(middle)));
        }
    }

    @Test
    void skipCorruptResynchronisesWhenADamagedLengthStillFitsTheFile(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        Path image = writeMany(dir, 300, 64 * 1024);
        Path seg = segments(image).get(0);
        List<Long> offsets = entryOffsets(seg);
        int middle = 100;
        // A length that lands inside a later entry: the CRC fails and its claimed end is no entry boundary.
        long span = offsets.get(middle + 1) - offsets.get(middle);
        writeInt(seg, offsets.get(middle), (int) (span * 3 + 7 - 4));
        Journal j = Journal.open(JournalOptions.defaults(image).withSegmentSize(64 * 1024).withSkipCorrupt(true));
        RecoveredState s = RecoveredState.of(j);
        j.close();
        assertThat(s.messageIdsIn(1)).containsExactlyElementsOf(allBut(300, middle));
    }

    @Test
    void skipCorruptRecoversTheNextSegmentWhenDamageRunsToTheEndOfOne(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        Path image = writeMany(dir, 2_000, 64 * 1024);
        List<Path> segs = segments(image);
        List<Long> offsets = entryOffsets(segs.get(0));
        int lastInFirst = offsets.size() - 1;
        writeInt(segs.get(0), offsets.get(lastInFirst), 0x7ff0_0000);
        Journal j = Journal.open(JournalOptions.defaults(image).withSegmentSize(64 * 1024).withSkipCorrupt(true));
        RecoveredState s = RecoveredState.of(j);
        j.close();
        assertThat(s.messageIdsIn(1)).containsExactlyElementsOf(allBut(2_000, lastInFirst));
    }

    @Test
    void aDamagedLengthFieldWithIntactEntriesAfterItIsCorruptionNotATornWrite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("j");
        long[] at = writeEntries(dir, 5);
        Path seg = segments(image(dir)).get(0);
        writeInt(seg, at[2], 0x7ff0_0000);
        assertThatThrownBy(() -> RecoveredState.of(journal(image(dir), 1024 * 1024)))
                .isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("offset " + at[2]);
    }
}
