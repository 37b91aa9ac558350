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
 * writer; its owner {@link SegmentLog} guards the index with its lock. With storage.encryption its records
 * are encrypted ({@link SegmentCipher}); a segment recovered from disk is then never appended to again
 * (its nonces are positions, and a cut-off torn tail would otherwise have its positions reused).
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
    /** Null for a plain segment. Writer thread only; readers take a copy. */
    private final SegmentCipher cipher;
    /** Recovered from disk while encryption is on: appends go to a new segment. */
    private boolean closedForAppends;

    private LogSegment(long baseOffset, Path file, FileChannel channel, SegmentCipher cipher) {
        this.baseOffset = baseOffset;
        this.file = file;
        this.channel = channel;
        this.cipher = cipher;
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
        return create(dir, baseOffset, null);
    }

    /** A new segment, encrypted when {@code key} is not null. */
    static LogSegment create(Path dir, long baseOffset, io.ferrymq.core.atrest.AtRestKey key) throws IOException {
        Path f = fileOf(dir, baseOffset);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (key == null) {
            return new LogSegment(baseOffset, f, ch, null);
        }
        SegmentCipher cipher = SegmentCipher.forNewFile(key);
        LogSegment s = new LogSegment(baseOffset, f, ch, cipher);
        ByteBuffer header = cipher.header();
        while (header.hasRemaining()) {
            s.size += ch.write(header, s.size);
        }
        return s;
    }

    /**
     * Opens a segment and rebuilds its index by reading every record. A torn or damaged record ends it: the
     * file is cut there (what follows a bad CRC cannot be trusted to be a record boundary).
     */
    static LogSegment recover(Path file) throws IOException {
        return recover(file, null);
    }

    /**
     * Like {@link #recover(Path)}; {@code key} is the configured at-rest key (null for none): an encrypted
     * segment written with another key (or without one configured) stops start-up naming both key ids.
     */
    static LogSegment recover(Path file, io.ferrymq.core.atrest.AtRestKey key) throws IOException {
        long base = baseOf(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        SegmentCipher cipher;
        try {
            cipher = SegmentCipher.of(key, file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        LogSegment s = new LogSegment(base, file, ch, cipher);
        s.closedForAppends = key != null;
        long length = s.channel.size();
        if (length > Integer.MAX_VALUE) {
            throw new IOException("stream segment " + file + " is larger than 2 GiB");
        }
        MappedByteBuffer map = s.channel.map(FileChannel.MapMode.READ_ONLY, 0, length);
        if (cipher != null) {
            map.position(SegmentCipher.FILE_HEADER);
            s.size = SegmentCipher.FILE_HEADER;
        }
        while (map.hasRemaining()) {
            int p = map.position();
            int total = RecordFormat.check(map);
            ByteBuffer plain = map;
            int plainAt = p;
            if (total >= 0 && cipher != null) {
                try {
                    plain = cipher.open(map.duplicate().position(p), p);
                    plainAt = 0;
                } catch (javax.crypto.AEADBadTagException e) {
                    LOG.error("Stream segment {}: the encrypted record at byte {} failed authentication (altered or"
                            + " moved); it and everything after it are cut off", file, p);
                    total = -1;
                }
            }
            if (total < 0 || RecordFormat.offsetAt(plain, plainAt) != base + s.count) {
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
            s.index(p, RecordFormat.arrivalAt(plain, plainAt));
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
        if (cipher != null) {
            encoded = cipher.seal(encoded, relativePositions, n, start);
        }
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
        if (cipher != null) {
            SegmentCipher mine = cipher.copy();
            for (int i = from; i < to; i++) {
                try {
                    out.add(RecordFormat.read(mine.open(buf, positions[i])));
                } catch (javax.crypto.AEADBadTagException e) {
                    throw new IOException("stream segment " + file + " failed authentication at byte " + positions[i]
                            + ": the encrypted record was altered or moved");
                }
            }
            return out;
        }
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

    /** Recovered while encryption is on: the next append starts a new segment. */
    boolean closedForAppends() {
        return closedForAppends;
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
