package io.ferrymq.core.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One file of a shard's log, named by the offset of its first record. Keeps, in memory, the file position
 * and arrival time of every record it holds: the index by offset and by time. Written only by the stream
 * writer; its owner {@link SegmentLog} guards the index with its lock.
 */
final class LogSegment {

    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);
    private static final String SUFFIX = ".seg";

    private final long baseOffset;
    private final Path file;
    private final FileChannel channel;
    private long[] positions = new long[256];
    private long[] arrivals = new long[256];
    private int count;
    private long size;

    private LogSegment(long baseOffset, Path file, FileChannel channel) {
        this.baseOffset = baseOffset;
        this.file = file;
        this.channel = channel;
    }

    static Path fileOf(Path dir, long baseOffset) {
        return dir.resolve(String.format("%020d%s", baseOffset, SUFFIX));
    }

    static boolean isSegment(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(SUFFIX) && n.length() == 20 + SUFFIX.length() && n.chars().limit(20).allMatch(Character::isDigit);
    }

    static long baseOf(Path file) {
        return Long.parseLong(file.getFileName().toString().substring(0, 20));
    }

    static LogSegment create(Path dir, long baseOffset) throws IOException {
        Path f = fileOf(dir, baseOffset);
        return new LogSegment(baseOffset, f, FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    /**
     * Opens a segment and rebuilds its index by reading every record. A torn or damaged record ends it: the
     * file is cut there (what follows a bad CRC cannot be trusted to be a record boundary).
     */
    static LogSegment recover(Path file) throws IOException {
        long base = baseOf(file);
        LogSegment s = new LogSegment(base, file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        long length = s.channel.size();
        if (length > Integer.MAX_VALUE) {
            throw new IOException("stream segment " + file + " is larger than 2 GiB");
        }
        MappedByteBuffer map = s.channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
        while (map.hasRemaining()) {
            int p = map.position();
            int total = RecordFormat.check(map);
            if (total < 0 || RecordFormat.offsetAt(map, p) != base + s.count) {
                boolean zeros = true;
                for (int i = p; i < length && zeros; i++) {
                    zeros = map.get(i) == 0;
                }
                if (!zeros) {
                    LOG.warn("Stream segment {}: cut off a torn or damaged record at byte {} of {} ({} record(s) kept)",
                            file, p, length, s.count);
                }
                s.channel.truncate(p);
                s.channel.force(true);
                break;
            }
            s.index(p, RecordFormat.arrivalAt(map, p));
            s.size = p + total;
            map.position(p + total);
        }
        return s;
    }

    private void index(long position, long arrival) {
        if (count == positions.length) {
            positions = Arrays.copyOf(positions, count * 2);
            arrivals = Arrays.copyOf(arrivals, count * 2);
        }
        positions[count] = position;
        arrivals[count] = arrival;
        count++;
    }

    /** Writes encoded records at the end of the file (not yet forced) and indexes them. */
    void append(ByteBuffer encoded, long[] relativePositions, long[] times, int n) throws IOException {
        long start = size;
        while (encoded.hasRemaining()) {
            size += channel.write(encoded, size);
        }
        for (int i = 0; i < n; i++) {
            index(start + relativePositions[i], times[i]);
        }
    }

    void force() throws IOException {
        channel.force(false);
    }

    /**
     * Reads up to {@code max} whole records from index {@code from} (relative to the base), below
     * {@code limit}, and at most about {@code maxBytes} (always at least one record).
     */
    List<StreamRecord> read(int from, int limit, int max, long maxBytes) throws IOException {
        int to = from;
        long bytes = 0;
        while (to < limit && to - from < max) {
            long len = (to + 1 < count ? positions[to + 1] : size) - positions[to];
            if (to > from && bytes + len > maxBytes) {
                break;
            }
            bytes += len;
            to++;
        }
        List<StreamRecord> out = new ArrayList<>(to - from);
        if (to == from) {
            return out;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes);
        long pos = positions[from];
        while (buf.hasRemaining()) {
            int r = channel.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("stream segment " + file + " ends before its indexed records");
            }
        }
        buf.flip();
        for (int i = from; i < to; i++) {
            out.add(RecordFormat.read(buf));
        }
        return out;
    }

    /** The index (relative to the base) of the first record that arrived at or after {@code millis}, or count. */
    int firstAtOrAfter(long millis) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (arrivals[mid] < millis) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    long arrivalAt(int index) {
        return arrivals[index];
    }

    long baseOffset() {
        return baseOffset;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    long lastArrival() {
        return count == 0 ? Long.MIN_VALUE : arrivals[count - 1];
    }

    long firstArrival() {
        return count == 0 ? Long.MAX_VALUE : arrivals[0];
    }

    Path file() {
        return file;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing {}: {}", file, e.toString());
        }
    }

    void delete() {
        close();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete stream segment {}: {}", file, e.toString());
        }
    }
}
