package io.ferrymq.core.journal;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * New segments for the journal to roll to. One spare is always being created (zero-filled) on a thread of its own,
 * so that rolling never waits for the disk; when one cannot be created (a full disk) it is tried again, at most
 * every {@link #RETRY_NANOS} and only once the disk has room for it.
 */
final class SegmentSupply {

    /** Logged as the journal: operators and tests follow one logger for the whole journal. */
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    /** How often a segment that could not be created is tried again. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path dir;
    private final long segmentSize;
    private final Disk disk;
    /** The key new segments are encrypted with; null for plain segments. */
    private final AtRestKey key;
    private final ExecutorService allocator;
    private CompletableFuture<Segment> spare;
    private long nextSegmentId = 1;
    private long nextAttempt = System.nanoTime();

    SegmentSupply(Path dir, long segmentSize, AtRestKey key, Disk disk) {
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.key = key;
        this.disk = disk;
        this.allocator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferrymq-journal-allocator");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The segment new entries go to first, after the segments recovery read (the newest being {@code lastId});
     * without room for it the broker cannot start, and says why. Starts creating the spare.
     */
    Segment first(long lastId) {
        nextSegmentId = lastId + 1;
        long id = nextSegmentId++;
        Segment first;
        try {
            first = disk.createSegment(dir, id, segmentSize, key);
        } catch (IOException e) {
            throw new BrokerException(ErrorCode.DISK_FULL, "cannot create a journal segment of " + mib(segmentSize)
                    + " in " + dir + " (" + e.getMessage() + "; " + mib(usableSpace()) + " free there): free space on"
                    + " that disk or lower storage.segment-size", e);
        }
        long free = usableSpace();
        if (free >= 0 && free < segmentSize) {
            LOG.warn("Journal: only {} free in {}, less than one more segment ({}): once the first is full,"
                    + " durable messages are refused until space is freed; lower storage.segment-size to fit the"
                    + " disk", mib(free), dir, mib(segmentSize));
        }
        prepareSpare();
        return first;
    }

    /** The spare, for the journal to roll to; the next one is started. */
    Segment take() throws NoRoomException {
        if (spare == null) {
            throw new NoRoomException("no journal segment could be created in " + dir, null);
        }
        Segment s;
        try {
            s = spare.join();
        } catch (CompletionException e) {
            // Dropped, so that the next attempt creates a segment instead of re-joining this failure.
            spare = null;
            nextAttempt = System.nanoTime() + RETRY_NANOS;
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw new NoRoomException("cannot create the next journal segment (" + mib(segmentSize)
                    + ") in " + dir + ": " + cause.getMessage(), cause);
        }
        prepareSpare();
        return s;
    }

    /**
     * While batches are held: whether a new segment is ready for them. Creates one again at most every
     * {@link #RETRY_NANOS}, and only once the disk has room for it (a doomed attempt would fill the disk for a
     * moment).
     */
    boolean ready() {
        if (spare != null) {
            if (!spare.isDone()) {
                return false;
            }
            if (!spare.isCompletedExceptionally()) {
                return true;
            }
            spare = null;
            nextAttempt = System.nanoTime() + RETRY_NANOS;
            return false;
        }
        long t = System.nanoTime();
        if (t - nextAttempt < 0) {
            return false;
        }
        long free = usableSpace();
        if (free >= 0 && free < segmentSize) {
            return false;
        }
        nextAttempt = t + RETRY_NANOS;
        prepareSpare();
        return false;
    }

    /** Stops creating segments and deletes the spare nobody used. */
    void close() {
        allocator.shutdown();
        try {
            if (spare == null) {
                throw new IllegalStateException("the last attempt to create one failed");
            }
            Segment unused = spare.get(30, TimeUnit.SECONDS);
            unused.close();
            Files.deleteIfExists(unused.path);
        } catch (Exception e) {
            LOG.debug("No spare segment to remove: {}", e.toString());
        }
    }

    /** Free bytes on the journal's disk; -1 when the file system cannot say. */
    long usableSpace() {
        try {
            return disk.usableSpace(dir);
        } catch (IOException e) {
            return -1;
        }
    }

    static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private void prepareSpare() {
        long id = nextSegmentId++;
        spare = CompletableFuture.supplyAsync(() -> {
            try {
                // Zero-filling a segment that cannot fit would take the disk's last bytes from everyone for a moment.
                long free = disk.usableSpace(dir);
                if (free >= 0 && free < segmentSize) {
                    throw new IOException("No space left on device: " + mib(free) + " free");
                }
                return disk.createSegment(dir, id, segmentSize, key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, allocator);
    }
}
