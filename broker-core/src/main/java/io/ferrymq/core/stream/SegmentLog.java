package io.ferrymq.core.stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * A shard's append-only log: segment files in one directory, oldest first. One writer (the stream writer's
 * thread) appends and forces; readers on any thread read what is durable, holding their own positions.
 * Records become visible to readers only once forced, so a reader never sees a record a crash could take back.
 */
final class SegmentLog {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);

    private final Path dir;
    private final long segmentBytes;
    private final boolean fsync;
    /** The key new segments are encrypted with; null for plain segments. */
    private final io.ferrymq.core.atrest.AtRestKey key;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Oldest first; guarded by {@code lock}. */
    private final List<LogSegment> segments = new ArrayList<>();
    /** Segments written since the last force (writer thread only). */
    private final List<LogSegment> unforced = new ArrayList<>();
    private volatile long durableEnd;
    /** Writer thread only. */
    private long writtenEnd;
    private long lastArrival = Long.MIN_VALUE;
    /** Readers waiting for records past the durable end; guarded by itself. */
    private final List<Waiter> waiters = new ArrayList<>();
    /** Guarded by {@code waiters}. */
    private boolean ended;

    private record Waiter(long offset, CompletableFuture<Void> done) { }

    private SegmentLog(Path dir, long segmentBytes, boolean fsync, io.ferrymq.core.atrest.AtRestKey key) {
        this.key = key;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
    }

    /** Opens (creating the directory if needed) and recovers a shard's log. */
    static SegmentLog open(Path dir, long segmentBytes, boolean fsync) throws IOException {
        return open(dir, segmentBytes, fsync, null);
    }

    /** Like {@link #open(Path, long, boolean)}, new segments encrypted with {@code key} (if not null). */
    static SegmentLog open(Path dir, long segmentBytes, boolean fsync, io.ferrymq.core.atrest.AtRestKey key)
            throws IOException {
        Files.createDirectories(dir);
        SegmentLog log = new SegmentLog(dir, segmentBytes, fsync, key);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(LogSegment::isSegment).sorted(Comparator.comparingLong(LogSegment::baseOf)).toList();
        }
        long expected = -1;
        for (Path f : files) {
            if (expected >= 0 && LogSegment.baseOf(f) != expected) {
                LOG.warn("Stream log {}: segment {} does not follow the records before it (expected offset {});"
                        + " removing it", dir, f.getFileName(), expected);
                Files.delete(f);
                continue;
            }
            LogSegment seg = LogSegment.recover(f, key);
            log.segments.add(seg);
            expected = seg.baseOffset() + seg.count();
            if (seg.count() > 0) {
                log.lastArrival = seg.lastArrival();
            }
        }
        log.writtenEnd = Math.max(expected, 0);
        log.durableEnd = log.writtenEnd;
        return log;
    }

    /**
     * Appends records (writer thread), assigning offsets and arrival times; they are readable after
     * {@link #force}.
     *
     * @param rollAfterMillis the active segment is rolled once its first record is older than this, so that
     *                        retention by age can delete it
     * @return for each record its offset and arrival time
     */
    long[][] append(List<AppendRequest> records, long now, long rollAfterMillis) throws IOException {
        long[] arrivals = new long[records.size()];
        for (int k = 0; k < arrivals.length; k++) {
            arrivals[k] = Math.max(now, lastArrival);
            lastArrival = arrivals[k];
        }
        return write(records, arrivals, now, rollAfterMillis);
    }

    /**
     * Appends records copied from another node's log (an HA standby), keeping their offsets and arrival times;
     * records this log already holds are skipped. Readable after {@link #force}.
     *
     * @throws IllegalStateException when the records do not continue this log (a gap)
     */
    void appendCopies(List<StreamRecord> records, long rollAfterMillis) throws IOException {
        List<AppendRequest> fresh = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long next = writtenEnd;
        for (StreamRecord r : records) {
            if (r.offset() < next) {
                continue;
            }
            if (r.offset() > next) {
                throw new IllegalStateException("stream log " + dir + " ends at offset " + next + ": cannot copy a"
                        + " record at offset " + r.offset());
            }
            fresh.add(new AppendRequest(r.partitionKey(), r.explicitHashKey(), r.data()));
            times.add(r.arrivalMillis());
            next++;
        }
        if (fresh.isEmpty()) {
            return;
        }
        long[] arrivals = times.stream().mapToLong(Long::longValue).toArray();
        lastArrival = Math.max(lastArrival, arrivals[arrivals.length - 1]);
        write(fresh, arrivals, arrivals[arrivals.length - 1], rollAfterMillis);
    }

    private long[][] write(List<AppendRequest> records, long[] arrivalTimes, long now, long rollAfterMillis)
            throws IOException {
        long[][] out = new long[records.size()][];
        int i = 0;
        while (i < records.size()) {
            LogSegment active = activeSegment(now, rollAfterMillis, encodedSize(records.get(i)));
            long room = Math.max(segmentBytes - active.size(), 0);
            int n = 0;
            long bytes = 0;
            while (i + n < records.size()) {
                int size = encodedSize(records.get(i + n));
                if (n > 0 && bytes + size > room) {
                    break;
                }
                bytes += size;
                n++;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) bytes);
            long[] relative = new long[n];
            long[] times = new long[n];
            for (int k = 0; k < n; k++) {
                AppendRequest r = records.get(i + k);
                long arrival = arrivalTimes[i + k];
                relative[k] = buf.position();
                times[k] = arrival;
                out[i + k] = new long[] {writtenEnd + k, arrival};
                RecordFormat.write(buf, writtenEnd + k, arrival, r.partitionKey().getBytes(StandardCharsets.UTF_8),
                        r.explicitHashKey() == null ? null : r.explicitHashKey().getBytes(StandardCharsets.US_ASCII),
                        r.data());
            }
            buf.flip();
            lock.writeLock().lock();
            try {
                active.append(buf, relative, times, n);
            } finally {
                lock.writeLock().unlock();
            }
            if (!unforced.contains(active)) {
                unforced.add(active);
            }
            writtenEnd += n;
            i += n;
        }
        return out;
    }

    static int encodedSize(AppendRequest r) {
        return RecordFormat.size(r.partitionKey().getBytes(StandardCharsets.UTF_8),
                r.explicitHashKey() == null ? null : r.explicitHashKey().getBytes(StandardCharsets.US_ASCII), r.data());
    }

    private LogSegment activeSegment(long now, long rollAfterMillis, int nextSize) throws IOException {
        LogSegment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
        boolean roll = last == null || (last.count() > 0 && (last.size() + nextSize > segmentBytes
                || now - last.firstArrival() > rollAfterMillis)) || last.closedForAppends();
        if (!roll) {
            return last;
        }
        if (last != null && last.closedForAppends() && last.count() == 0) {
            // An empty recovered segment has the new one's name: it goes first.
            lock.writeLock().lock();
            try {
                segments.remove(last);
            } finally {
                lock.writeLock().unlock();
            }
            unforced.remove(last);
            last.delete();
            last = null;
        }
        LogSegment next = LogSegment.create(dir, writtenEnd, key);
        lock.writeLock().lock();
        try {
            if (last != null && last.count() == 0) {
                segments.remove(last);
                unforced.remove(last);
                last.delete();
            }
            segments.add(next);
        } finally {
            lock.writeLock().unlock();
        }
        return next;
    }

    /** Forces what was appended to disk (writer thread) and makes it readable. */
    void force() throws IOException {
        if (fsync) {
            for (LogSegment s : unforced) {
                s.force();
            }
        }
        unforced.clear();
        durableEnd = writtenEnd;
        wake(false);
    }

    /**
     * Completes once a record at or after {@code offset} is durable, or once nothing more can come (the shard
     * was closed by a split or merge, or its stream deleted): a reader at the end waits on this rather than
     * polling the log.
     */
    CompletableFuture<Void> awaitBeyond(long offset) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (waiters) {
            if (offset < durableEnd || ended) {
                f.complete(null);
                return f;
            }
            // Waits a reader gave up (its subscription ended) go here rather than at the next record.
            waiters.removeIf(w -> w.done().isDone());
            waiters.add(new Waiter(offset, f));
        }
        return f;
    }

    /** No more records will come (closed shard, deleted stream): every waiting reader is woken. */
    void ended() {
        wake(true);
    }

    private void wake(boolean end) {
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (waiters) {
            if (end) {
                ended = true;
            }
            if (waiters.isEmpty()) {
                return;
            }
            long durable = durableEnd;
            waiters.removeIf(w -> {
                if (ended || w.offset() < durable) {
                    ready.add(w.done());
                    return true;
                }
                return false;
            });
        }
        ready.forEach(f -> f.complete(null));
    }

    /** The segment files and their durable lengths (for a snapshot, taken on the writer thread after a force). */
    List<StreamSnapshot.SegmentFile> files(String vhost, String stream, int shard) {
        lock.readLock().lock();
        try {
            List<StreamSnapshot.SegmentFile> out = new ArrayList<>();
            for (LogSegment s : segments) {
                out.add(new StreamSnapshot.SegmentFile(vhost, stream, shard, s.baseOffset(), s.file(), s.size()));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The first offset still held (the trim horizon). */
    long startOffset() {
        lock.readLock().lock();
        try {
            return segments.isEmpty() ? durableEnd : Math.min(segments.get(0).baseOffset(), durableEnd);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The offset after the last durable record. */
    long endOffset() {
        return durableEnd;
    }

    /** The first durable offset whose record arrived at or after {@code millis} (the end if none). */
    long offsetAt(long millis) {
        lock.readLock().lock();
        try {
            long end = durableEnd;
            for (LogSegment s : segments) {
                if (s.count() > 0 && s.lastArrival() >= millis) {
                    return Math.min(s.baseOffset() + s.firstAtOrAfter(millis), end);
                }
            }
            return end;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The arrival time of a durable record still held, or -1. */
    long arrivalAt(long offset) {
        lock.readLock().lock();
        try {
            LogSegment s = segmentOf(offset);
            return s == null || offset >= durableEnd ? -1 : s.arrivalAt((int) (offset - s.baseOffset()));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Reads durable records from {@code from} (moved up to the trim horizon and past records older than
     * {@code notBeforeMillis}), at most {@code max} records and about {@code maxBytes}.
     */
    List<StreamRecord> read(long from, int max, long maxBytes, long notBeforeMillis) {
        lock.readLock().lock();
        try {
            long end = durableEnd;
            long start = Math.max(from, Math.max(startOffsetLocked(end), notBeforeMillis == Long.MIN_VALUE ? 0
                    : offsetAtLocked(notBeforeMillis, end)));
            List<StreamRecord> out = new ArrayList<>();
            long bytes = 0;
            long next = start;
            while (next < end && out.size() < max && bytes < maxBytes) {
                LogSegment s = segmentOf(next);
                if (s == null) {
                    break;
                }
                int limit = (int) (Math.min(end, s.baseOffset() + s.count()) - s.baseOffset());
                List<StreamRecord> got = s.read((int) (next - s.baseOffset()), limit, max - out.size(),
                        out.isEmpty() ? maxBytes : maxBytes - bytes);
                if (got.isEmpty()) {
                    break;
                }
                for (StreamRecord r : got) {
                    bytes += r.data().length + r.partitionKey().length();
                }
                out.addAll(got);
                next += got.size();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Where a read from {@code from} would really start (trim horizon and retention applied). */
    long effectiveStart(long from, long notBeforeMillis) {
        lock.readLock().lock();
        try {
            long end = durableEnd;
            return Math.max(from, Math.max(startOffsetLocked(end), notBeforeMillis == Long.MIN_VALUE ? 0
                    : offsetAtLocked(notBeforeMillis, end)));
        } finally {
            lock.readLock().unlock();
        }
    }

    private long startOffsetLocked(long end) {
        return segments.isEmpty() ? end : Math.min(segments.get(0).baseOffset(), end);
    }

    private long offsetAtLocked(long millis, long end) {
        for (LogSegment s : segments) {
            if (s.count() > 0 && s.lastArrival() >= millis) {
                return Math.min(s.baseOffset() + s.firstAtOrAfter(millis), end);
            }
        }
        return end;
    }

    private LogSegment segmentOf(long offset) {
        int lo = 0;
        int hi = segments.size() - 1;
        LogSegment found = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            LogSegment s = segments.get(mid);
            if (s.baseOffset() <= offset) {
                found = s;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found != null && offset < found.baseOffset() + found.count() ? found : null;
    }

    /**
     * Deletes whole segments from the oldest while all their records arrived before {@code cutoffMillis}, or
     * while the log is larger than {@code maxBytes} (0: no size limit). The newest segment always stays.
     *
     * @return the number of segments deleted
     */
    int enforceRetention(long cutoffMillis, long maxBytes) {
        lock.writeLock().lock();
        try {
            long total = 0;
            for (LogSegment s : segments) {
                total += s.size();
            }
            int deleted = 0;
            while (segments.size() > 1) {
                LogSegment oldest = segments.get(0);
                boolean expired = oldest.count() > 0 && oldest.lastArrival() < cutoffMillis;
                boolean tooBig = maxBytes > 0 && total > maxBytes;
                if (!expired && !tooBig) {
                    break;
                }
                if (oldest.baseOffset() + oldest.count() > durableEnd) {
                    break;
                }
                segments.remove(0);
                total -= oldest.size();
                oldest.delete();
                deleted++;
            }
            return deleted;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The bytes of the log's segment files. */
    long sizeBytes() {
        lock.readLock().lock();
        try {
            return segments.stream().mapToLong(LogSegment::size).sum();
        } finally {
            lock.readLock().unlock();
        }
    }

    int segmentCount() {
        lock.readLock().lock();
        try {
            return segments.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    void close() {
        ended();
        lock.writeLock().lock();
        try {
            segments.forEach(LogSegment::close);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the log and its directory (the shard's stream was deleted). */
    void deleteAll() {
        ended();
        lock.writeLock().lock();
        try {
            segments.forEach(LogSegment::delete);
            segments.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    Path dir() {
        return dir;
    }
}
