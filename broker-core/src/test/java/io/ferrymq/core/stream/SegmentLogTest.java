package io.ferrymq.core.stream;

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

import static org.assertj.core.api.Assertions.assertThat;

class SegmentLogTest {

    private static final long HOUR = 3_600_000;

    @TempDir
    Path dir;

    private static AppendRequest record(String key, String data) {
        return new AppendRequest(key, null, data.getBytes(StandardCharsets.UTF_8));
    }

    private static List<AppendRequest> records(int n, int size) {
        List<AppendRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new AppendRequest("k" + i, null, new byte[size]));
        }
        return out;
    }

    private static List<String> texts(List<StreamRecord> records) {
        return records.stream().map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(LogSegment::isSegment).findFirst().orElseThrow();
        }
    }

    @Test
    void recordsReadBackWithTheirOffsetsKeysAndTimesAfterReopening() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 1 << 20, true);
        log.append(List.of(record("a", "one"), new AppendRequest("b", "12345", "two".getBytes(StandardCharsets.UTF_8))),
                1000, HOUR);
        log.force();
        log.close();

        SegmentLog again = SegmentLog.open(dir, 1 << 20, true);
        List<StreamRecord> read = again.read(0, 10, 1 << 20, Long.MIN_VALUE);
        assertThat(read).extracting(StreamRecord::offset).containsExactly(0L, 1L);
        assertThat(read).extracting(StreamRecord::partitionKey).containsExactly("a", "b");
        assertThat(read).extracting(StreamRecord::explicitHashKey).containsExactly(null, "12345");
        assertThat(read).extracting(StreamRecord::arrivalMillis).containsExactly(1000L, 1000L);
        assertThat(texts(read)).containsExactly("one", "two");
        assertThat(again.endOffset()).isEqualTo(2);
    }

    @Test
    void recordsAreReadableOnlyOnceForced() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 1 << 20, true);
        log.append(List.of(record("a", "one")), 1000, HOUR);
        assertThat(log.read(0, 10, 1 << 20, Long.MIN_VALUE)).isEmpty();
        log.force();
        assertThat(texts(log.read(0, 10, 1 << 20, Long.MIN_VALUE))).containsExactly("one");
    }

    @Test
    void aTornTailIsCutAtTheLastRecordWhoseCrcHolds() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 1 << 20, true);
        log.append(List.of(record("a", "one"), record("b", "two"), record("c", "three")), 1000, HOUR);
        log.force();
        log.close();
        Path file = onlySegment();
        long whole = Files.size(file);
        // The first half of a fourth record, as a crash in the middle of a write leaves it.
        ByteBuffer fourth = ByteBuffer.allocate(SegmentLog.encodedSize(record("d", "four")));
        RecordFormat.write(fourth, 3, 1000, "d".getBytes(StandardCharsets.UTF_8), null,
                "four".getBytes(StandardCharsets.UTF_8));
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            c.write(ByteBuffer.wrap(fourth.array(), 0, fourth.capacity() / 2));
        }

        SegmentLog again = SegmentLog.open(dir, 1 << 20, true);
        assertThat(Files.size(file)).isEqualTo(whole);
        assertThat(texts(again.read(0, 10, 1 << 20, Long.MIN_VALUE))).containsExactly("one", "two", "three");
        long[][] next = again.append(List.of(record("e", "five")), 2000, HOUR);
        again.force();
        assertThat(next[0][0]).isEqualTo(3);
        assertThat(texts(again.read(0, 10, 1 << 20, Long.MIN_VALUE))).containsExactly("one", "two", "three", "five");
    }

    @Test
    void aRecordWithABadCrcEndsTheLogThere() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 1 << 20, true);
        log.append(List.of(record("a", "one"), record("b", "two"), record("c", "three")), 1000, HOUR);
        log.force();
        log.close();
        Path file = onlySegment();
        int second = SegmentLog.encodedSize(record("a", "one"));
        byte[] bytes = Files.readAllBytes(file);
        bytes[second + SegmentLog.encodedSize(record("b", "two")) - 1] ^= 0x55;
        Files.write(file, bytes);

        SegmentLog again = SegmentLog.open(dir, 1 << 20, true);
        assertThat(texts(again.read(0, 10, 1 << 20, Long.MIN_VALUE))).containsExactly("one");
        assertThat(again.endOffset()).isEqualTo(1);
        assertThat(Files.size(file)).isEqualTo(second);
    }

    @Test
    void retentionByAgeDeletesWholeOldSegmentsAndKeepsTheNewest() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 4096, true);
        for (int t = 0; t < 6; t++) {
            log.append(records(3, 1000), 1000L * t, HOUR);
            log.force();
        }
        int before = log.segmentCount();
        assertThat(before).isGreaterThan(3);

        int deleted = log.enforceRetention(2500, 0);

        assertThat(deleted).isPositive();
        assertThat(log.segmentCount()).isEqualTo(before - deleted);
        long first = log.startOffset();
        List<StreamRecord> left = log.read(0, 100, 1 << 20, Long.MIN_VALUE);
        assertThat(left.get(0).offset()).isEqualTo(first);
        assertThat(left).allSatisfy(r -> assertThat(r.offset()).isGreaterThanOrEqualTo(first));
        // Three records fill a segment here: the segments of times 0, 1000 and 2000 went, whole.
        assertThat(first).isEqualTo(9);
        assertThat(left.get(0).arrivalMillis()).isEqualTo(3000);
        assertThat(left).hasSize(9);
        log.enforceRetention(Long.MAX_VALUE, 0);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(log.endOffset()).isEqualTo(18);
    }

    @Test
    void retentionBySizeDeletesTheOldestSegmentsUntilTheLogFits() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 4096, true);
        for (int t = 0; t < 8; t++) {
            log.append(records(3, 1000), 1000L * t, HOUR);
            log.force();
        }
        log.enforceRetention(Long.MIN_VALUE, 10_000);
        assertThat(log.sizeBytes()).isLessThanOrEqualTo(10_000);
        assertThat(log.endOffset()).isEqualTo(24);
        assertThat(log.read(0, 100, 1 << 20, Long.MIN_VALUE).get(0).offset()).isEqualTo(log.startOffset())
                .isPositive();
    }

    @Test
    void aReaderBehindTheTrimHorizonContinuesFromIt() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 4096, true);
        for (int t = 0; t < 6; t++) {
            log.append(records(3, 1000), 1000L * t, HOUR);
            log.force();
        }
        log.enforceRetention(3500, 0);
        assertThat(log.read(0, 1, 1 << 20, Long.MIN_VALUE).get(0).offset()).isEqualTo(log.startOffset());
    }

    @Test
    void lookupByArrivalTimeFindsTheFirstRecordAtOrAfterIt() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 4096, true);
        for (int t = 0; t < 10; t++) {
            log.append(records(2, 700), 1000L * t, HOUR);
            log.force();
        }
        assertThat(log.offsetAt(0)).isEqualTo(0);
        assertThat(log.offsetAt(4000)).isEqualTo(8);
        assertThat(log.offsetAt(4001)).isEqualTo(10);
        assertThat(log.offsetAt(9000)).isEqualTo(18);
        assertThat(log.offsetAt(9001)).isEqualTo(20);
        assertThat(log.arrivalAt(9)).isEqualTo(4000);
        // Reading with records older than a cutoff hidden (the stream's retention) starts at the cutoff.
        assertThat(log.read(0, 1, 1 << 20, 5000).get(0).offset()).isEqualTo(10);
    }

    @Test
    void arrivalTimesNeverGoBackwards() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 1 << 20, true);
        log.append(List.of(record("a", "one")), 5000, HOUR);
        long[][] earlier = log.append(List.of(record("b", "two")), 4000, HOUR);
        assertThat(earlier[0][1]).isEqualTo(5000);
    }

    @Test
    void theActiveSegmentRollsOnceItsFirstRecordIsOlderThanTheRollAge() throws IOException {
        SegmentLog log = SegmentLog.open(dir, 1 << 20, true);
        log.append(List.of(record("a", "one")), 0, 10_000);
        log.append(List.of(record("b", "two")), 5_000, 10_000);
        assertThat(log.segmentCount()).isEqualTo(1);
        log.append(List.of(record("c", "three")), 20_000, 10_000);
        log.force();
        assertThat(log.segmentCount()).isEqualTo(2);
        assertThat(log.enforceRetention(15_000, 0)).isEqualTo(1);
        assertThat(texts(log.read(0, 10, 1 << 20, Long.MIN_VALUE))).containsExactly("three");
    }
}
