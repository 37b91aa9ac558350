package io.ferrymq.core.journal;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.storage.DurableImage;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The broker's own append-only store: segmented files of CRC-checked entries, one entry per appended
 * batch, written by a single thread with group commit (one fsync covers every batch that arrived while
 * the previous fsync ran). Callers encode their records on their own threads and never wait on disk:
 * they get a future that completes once the batch is durable.
 *
 * <p>Recovery replays the segments in order. A damaged entry followed only by zeros is a torn final write
 * and is cut off; any other damage stops start-up with the file and offset. The oldest segment is
 * compacted (its live records copied forward, then the file deleted) once little of it is still live.
 *
 * <p>A full disk is survived: when the next segment cannot be created the writer holds the batches that do
 * not fit (in order, settlements included) and retries until space is back, then writes them and carries on.
 * Meanwhile, and whenever free space is below {@link JournalOptions#minFree}, {@link #writeAlarm} tells
 * the broker to refuse durable messages.
 */
public final class Journal implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int WRITE_BUFFER = 1 << 20;
    private static final int MAX_BATCH = 4096;
    private static final int COMPACTION_ENTRY_BYTES = 1 << 20;
    /** How often the writer looks at free space (and, while holding batches, retries). */
    private static final long SPACE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How often a segment that could not be created is tried again. */
    private static final long SPARE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A batch waiting for the writer. */
    private record Pending(byte kind, byte[] payload, int length, int[] offsets, List<StorageRecord> records,
                           CompletableFuture<Void> done, Between between) {
        Pending(byte kind, byte[] payload, int length, int[] offsets, List<StorageRecord> records,
                CompletableFuture<Void> done) {
            this(kind, payload, length, offsets, records, done, null);
        }
    }

    /**
     * The journal's live records at one point of its entry stream, as complete entries (sequence 0) of at
     * most about 1 MiB each: with every entry after {@code through}, a replica holds the same durable state.
     */
    public record Snapshot(long through, List<byte[]> entries) { }

    /** Not an entry: work the writer does between two batches (a snapshot), by {@link Pending#between}. */
    private static final byte SNAPSHOT_REQUEST = -1;

    /** What a {@link #SNAPSHOT_REQUEST} runs on the writer thread. */
    private interface Between {
        void run() throws IOException;
    }

    /** Open {@link SnapshotStream}s: while any is, compaction waits, so the segments they read stay in place. */
    private final AtomicInteger openStreams = new AtomicInteger();


    private final JournalOptions options;
    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LinkedTransferQueue<Pending> queue = new LinkedTransferQueue<>();
    /** Queued last by {@link #close}: the writer finishes what came before, marks a clean stop and exits. */
    private final Pending closeMark = new Pending(Entry.KIND_CLEAN_SHUTDOWN, new byte[0], 0, new int[0], List.of(),
            new CompletableFuture<>());
    private final JournalIndex index = new JournalIndex();
    private final List<Segment> segments = new ArrayList<>();
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
    private final ExecutorService allocator;
    private final Disk disk;
    /** Batches the writer could not write for lack of space, oldest first: written once space is back. */
    private final ArrayDeque<Pending> held = new ArrayDeque<>();
    private String heldReason;
    private long nextSpaceCheck = System.nanoTime();
    private long nextSpareAttempt = System.nanoTime();
    private volatile BrokerException writeAlarm;
    private volatile boolean closeRequested;
    /** Cleared by {@link #closeWithoutCleanMark}: the writer then stops without marking a clean stop. */
    private volatile boolean markClean = true;
    private CompletableFuture<Segment> spare;
    private Segment current;
    private long nextSegmentId = 1;
    private long nextSeq = 1;
    private Thread writer;
    private volatile boolean accepting;
    private volatile BrokerException failure;

    private final AtomicLong fsyncs = new AtomicLong();
    private volatile io.ferrymq.core.storage.SyncTimings syncTimings = io.ferrymq.core.storage.SyncTimings.NONE;

    @Override
    public void syncTimings(io.ferrymq.core.storage.SyncTimings listener) {
        syncTimings = listener == null ? io.ferrymq.core.storage.SyncTimings.NONE : listener;
    }
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();

    private Journal(JournalOptions options, FileChannel lockChannel, FileLock lock, Disk disk) {
        this.options = options;
        this.disk = disk;
        this.dir = options.directory();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.allocator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ferrymq-journal-allocator");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (creating if needed) the journal directory and locks it against a second broker process.
     * Call {@link #recover} next.
     */
    public static Journal open(JournalOptions options) {
        return open(options, Disk.REAL);
    }

    static Journal open(JournalOptions options, Disk disk) {
        try {
            Files.createDirectories(options.directory());
            FileChannel ch = FileChannel.open(options.directory().resolve("journal.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new IllegalStateException("the journal in " + options.directory()
                        + " is in use by another broker process");
            }
            if (!options.fsync()) {
                LOG.warn("JOURNAL FSYNC IS OFF: confirmed messages can be lost on a power failure or an operating"
                        + " system crash. Use this only for tests and benchmarks.");
            }
            return new Journal(options, ch, lock, disk);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + options.directory(), e);
        }
    }

    // ------------------------------------------------------------------ recovery

    @Override
    public RecoveredIds recover(RecoveryListener listener) {
        if (writer != null) {
            throw new IllegalStateException("the journal was already recovered");
        }
        DurableImage image = new DurableImage();
        boolean clean;
        try {
            clean = readAll(image);
            long maxId = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).id;
            nextSegmentId = maxId + 1;
            current = createFirstSegment();
            segments.add(current);
            long free = usableSpace();
            if (free >= 0 && free < options.segmentSize()) {
                LOG.warn("Journal: only {} free in {}, less than one more segment ({}): once the first is full,"
                        + " durable messages are refused until space is freed; lower storage.segment-size to fit the"
                        + " disk", mib(free), dir, mib(options.segmentSize()));
            }
            prepareSpare();
            updateAlarm(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recover the journal in " + dir, e);
        }
        RecoveredIds ids = image.replay(listener, clean);
        accepting = true;
        writer = new Thread(this::writeLoop, "ferrymq-journal-writer");
        writer.setDaemon(true);
        // From here on only the writer thread touches segments and the index (it compacts when idle).
        writer.start();
        return ids;
    }

    /** The segment new entries go to first; without room for it the broker cannot start, and says why. */
    private Segment createFirstSegment() {
        long id = nextSegmentId++;
        try {
            return disk.createSegment(dir, id, options.segmentSize(), options.encryption());
        } catch (IOException e) {
            throw new BrokerException(ErrorCode.DISK_FULL, "cannot create a journal segment of " + mib(options.segmentSize())
                    + " in " + dir + " (" + e.getMessage() + "; " + mib(usableSpace()) + " free there): free space on"
                    + " that disk or lower storage.segment-size", e);
        }
    }

    /** Reads every segment into the image and the index. @return whether the last run stopped cleanly */
    private boolean readAll(DurableImage image) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Segment.idOf(p).isPresent()).sorted().toList();
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path leftover : s.filter(p -> p.getFileName().toString().endsWith(".seg.tmp")).toList()) {
                Files.delete(leftover);
            }
        }
        // Pre-allocated segments that never received an entry (the spare a crash leaves behind) hold
        // nothing: they go, so that "the last segment", where a torn write can be, is the last one written.
        int lastWithData = files.size() - 1;
        while (lastWithData >= 0 && isEmpty(files.get(lastWithData))) {
            Files.delete(files.get(lastWithData));
            lastWithData--;
        }
        files = files.subList(0, lastWithData + 1);
        byte lastKind = Entry.KIND_CLEAN_SHUTDOWN;
        long expectedSeq = -1;
        long entriesRead = 0;
        SkippedDamage skipping = null;
        int plainSegments = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long id = Segment.idOf(file).getAsLong();
            boolean last = i == files.size() - 1;
            long end;
            Long truncateAt = null;
            SegmentCipher cipher;
            try (EntryReader reader = new EntryReader(file, id, options.encryption())) {
                cipher = reader.cipher();
                while (true) {
                    EntryReader.ReadEntry e;
                    try {
                        // After damage the sequence may jump by the entries lost; resync already checked it.
                        e = reader.next(skipping != null ? -1 : expectedSeq);
                    } catch (EntryReader.BadEntry bad) {
                        long lostBefore = skipping == null ? 0 : skipping.bytes();
                        long resume = reader.resync(bad.position + 1, expectedSeq, lostBefore);
                        long after = bad.claimedEnd < 0 ? reader.size() : bad.claimedEnd;
                        // Only a final write can be torn: nothing intact may follow it.
                        if (last && resume < 0 && reader.zeroFrom(after)) {
                            LOG.warn("Journal: cutting off a torn write at the end of {} (offset {}: {}); it was never"
                                    + " confirmed", file, bad.position, bad.getMessage());
                            truncateAt = bad.position;
                            break;
                        }
                        if (!options.skipCorrupt()) {
                            throw new JournalCorruptedException(file, bad.position, bad.getMessage());
                        }
                        if (skipping == null) {
                            skipping = new SkippedDamage(file, bad.position, bad.getMessage(), expectedSeq);
                        }
                        skipping.add((resume >= 0 ? resume : reader.endOfData(bad.position)) - bad.position);
                        if (resume < 0) {
                            break;
                        }
                        reader.skipTo(resume);
                        continue;
                    }
                    if (e == null) {
                        break;
                    }
                    if (skipping != null) {
                        skipping.report(e.seq());
                        skipping = null;
                    }
                    expectedSeq = e.seq() + 1;
                    nextSeq = Math.max(nextSeq, e.seq() + 1);
                    lastKind = e.kind();
                    entriesRead++;
                    if (e.kind() == Entry.KIND_RECORDS) {
                        applyRecords(file, id, e, image);
                    }
                }
                end = truncateAt != null ? truncateAt : reader.position();
            }
            if (truncateAt != null) {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(truncateAt);
                    ch.force(true);
                }
            }
            segments.add(Segment.open(file, id, end, cipher));
            if (cipher == null) {
                plainSegments++;
            }
        }
        if (options.encryption() != null && plainSegments > 0) {
            // Readable, so that encryption can be turned on for an existing broker; they go as compaction carries
            // their live records forward into encrypted segments.
            LOG.warn("Journal: {} of {} segment(s) in {} are NOT encrypted (written before storage.encryption was turned"
                    + " on); they stay readable and compaction now copies their live records into encrypted"
                    + " segments and deletes them", plainSegments, files.size(), dir);
        }
        if (skipping != null) {
            skipping.report(-1);
        }
        if (!files.isEmpty()) {
            LOG.info("Journal: read {} entries from {} segment(s) in {}{}", entriesRead, files.size(), dir,
                    lastKind == Entry.KIND_CLEAN_SHUTDOWN ? "" : " (the last run did not stop cleanly)");
        }
        return lastKind == Entry.KIND_CLEAN_SHUTDOWN;
    }

    private static boolean isEmpty(Path segment) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            int dataStart = Segment.dataStart(ch);
            if (ch.size() < dataStart + 4) {
                return true;
            }
            ByteBuffer len = ByteBuffer.allocate(4);
            while (len.hasRemaining() && ch.read(len, dataStart + len.position()) >= 0) {
                // read the first entry's length field
            }
            return len.flip().getInt() == 0;
        }
    }

    private void applyRecords(Path file, long segmentId, EntryReader.ReadEntry e, DurableImage image) {
        byte[] p = e.payload();
        int off = 0;
        while (off < p.length) {
            StorageRecord r;
            int len;
            try {
                len = RecordCodec.HEADER + RecordCodec.length(p, off);
                r = RecordCodec.read(p, off);
            } catch (MalformedRecordException | IndexOutOfBoundsException ex) {
                if (!options.skipCorrupt()) {
                    throw new JournalCorruptedException(file, e.position(), "undecodable record: " + ex.getMessage());
                }
                LOG.error("Journal: SKIPPING undecodable records in {} at offset {}: {}", file, e.position(),
                        ex.getMessage());
                return;
            }
            image.apply(r);
            index.apply(r, new JournalIndex.Loc(segmentId, e.position() + Entry.HEADER + off, len, off));
            off += len;
        }
    }

    // ------------------------------------------------------------------ appending

    @Override
    public CompletableFuture<Void> append(List<StorageRecord> batch) {
        BrokerException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        if (!accepting) {
            return CompletableFuture.failedFuture(new BrokerException(ErrorCode.UNAVAILABLE,
                    "the journal is not open for writing"));
        }
        int estimate = 64;
        for (StorageRecord r : batch) {
            estimate += r instanceof StorageRecord.AddMessage m ? 256 + m.message().body().length : 48;
        }
        BinaryWriter w = new BinaryWriter(estimate);
        int[] offsets = new int[batch.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = RecordCodec.write(w, batch.get(i));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Pending p = new Pending(Entry.KIND_RECORDS, w.array(), w.position(), offsets, batch, done);
        queue.add(p);
        // The writer may have failed between the check above and the add: never leave a batch hanging.
        BrokerException late = failure;
        if (late != null && queue.remove(p)) {
            done.completeExceptionally(late);
        }
        return done;
    }

    /**
     * A copy of the live records, taken by the writer between two entries: every entry up to
     * {@link Snapshot#through} is in it, every later entry reaches the {@link Replicator} after it. Completes
     * on the writer thread; the copy is held in memory.
     */
    public CompletableFuture<Snapshot> snapshot() {
        BrokerException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        CompletableFuture<Snapshot> taken = new CompletableFuture<>();
        return between(taken, () -> takeSnapshot(taken));
    }

    /**
     * Like {@link #snapshot()}, but the live records are read in entries of about 1 MiB by whoever iterates
     * the returned stream, on its own thread: the writer only notes where the live records are (between two
     * entries), so it pauses for that alone, and the copy is never all in memory at once. Compaction waits
     * while a stream is open, so close it.
     */
    public CompletableFuture<SnapshotStream> streamSnapshot() {
        BrokerException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        CompletableFuture<SnapshotStream> opened = new CompletableFuture<>();
        return between(opened, () -> {
            flushBuffer();
            java.util.Map<Long, Segment> byId = new java.util.HashMap<>();
            segments.forEach(s -> byId.put(s.id, s));
            openStreams.incrementAndGet();
            opened.complete(new SnapshotStream(nextSeq - 1, index.liveAll(), byId, COMPACTION_ENTRY_BYTES,
                    openStreams::decrementAndGet));
        });
    }

    private <T> CompletableFuture<T> between(CompletableFuture<T> taken, Between work) {
        Pending p = new Pending(SNAPSHOT_REQUEST, new byte[0], 0, new int[0], List.of(), new CompletableFuture<>(),
                work);
        // A failure of the writer fails the request through its done future.
        p.done().whenComplete((v, t) -> {
            if (t != null) {
                taken.completeExceptionally(t);
            }
        });
        queue.add(p);
        BrokerException late = failure;
        if (late != null && queue.remove(p)) {
            taken.completeExceptionally(late);
        }
        return taken;
    }

    private void takeSnapshot(CompletableFuture<Snapshot> taken) throws IOException {
        flushBuffer();
        List<byte[]> out = new ArrayList<>();
        BinaryWriter w = new BinaryWriter(64 * 1024);
        for (JournalIndex.LiveRecord r : index.liveAll()) {
            if (r instanceof JournalIndex.LiveRecord.Raw raw) {
                w.putRaw(readRecord(raw.loc()), 0, raw.loc().length());
            } else {
                RecordCodec.write(w, ((JournalIndex.LiveRecord.Fresh) r).record());
            }
            if (w.position() >= COMPACTION_ENTRY_BYTES) {
                out.add(Entry.frame(0, Entry.KIND_RECORDS, w.array(), w.position()));
                w = new BinaryWriter(64 * 1024);
            }
        }
        if (w.position() > 0) {
            out.add(Entry.frame(0, Entry.KIND_RECORDS, w.array(), w.position()));
        }
        taken.complete(new Snapshot(nextSeq - 1, out));
    }

    private byte[] readRecord(JournalIndex.Loc loc) throws IOException {
        Segment segment = segments.stream().filter(s -> s.id == loc.segment()).findFirst()
                .orElseThrow(() -> new IOException("no segment " + loc.segment() + " for a live record"));
        ByteBuffer b = ByteBuffer.allocate(loc.length());
        long p = loc.position();
        while (b.hasRemaining()) {
            if (segment.channel.read(b, p + b.position()) < 0) {
                throw new IOException("segment " + segment.path + " ends before a live record at " + loc);
            }
        }
        return segment.cipher == null ? b.array() : segment.cipher.record(loc, b.array());
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (true) {
                if (!held.isEmpty()) {
                    if (closeRequested) {
                        abandonHeld();
                        return;
                    }
                    LockSupport.parkNanos(SPACE_CHECK_NANOS);
                    // Compaction may free a whole segment, and it needs no new one when its copies fit.
                    compactIfWorthwhile();
                    if (!spareReady()) {
                        continue;
                    }
                    batch.addAll(held);
                    held.clear();
                    queue.drainTo(batch, MAX_BATCH);
                } else {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        updateAlarm(false);
                        compactIfWorthwhile();
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH);
                    if (options.commitDelayNanos() > 0 && first != closeMark) {
                        LockSupport.parkNanos(options.commitDelayNanos());
                        queue.drainTo(batch, MAX_BATCH);
                    }
                }
                boolean closing = write(batch);
                batch.clear();
                updateAlarm(held.isEmpty() && writeAlarm != null);
                if (closing) {
                    if (markClean) {
                        writeCleanShutdown();
                    }
                    closeMark.done().complete(null);
                    return;
                }
                compactIfWorthwhile();
            }
        } catch (Throwable t) {
            batch.addAll(held);
            held.clear();
            fail(t, batch);
        }
    }

    /**
     * Writes a batch of batches with one fsync. What does not fit because no new segment can be created is
     * held, in order, for when space is back.
     *
     * @return whether the close mark was written past (the journal is closing)
     */
    private boolean write(List<Pending> batch) throws IOException {
        boolean closing = false;
        List<CompletableFuture<Void>> replicas = new ArrayList<>(batch.size());
        List<Pending> written = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (p == closeMark) {
                closing = true;
                continue;
            }
            if (p.kind() == SNAPSHOT_REQUEST) {
                p.between().run();
                continue;
            }
            long position;
            try {
                position = writeEntry(p.kind(), p.payload(), p.length(), replicas);
            } catch (NoRoomException e) {
                held.addAll(batch.subList(i, batch.size()));
                if (closing) {
                    held.add(closeMark);
                }
                closing = false;
                diskFull(e.getMessage());
                break;
            }
            indexRecords(p, position);
            written.add(p);
        }
        long started = System.nanoTime();
        flushAndSync();
        syncTimings.committed(System.nanoTime() - started, written.size());
        completeAll(written, replicas);
        return closing;
    }

    private void writeCleanShutdown() throws IOException {
        try {
            writeEntry(Entry.KIND_CLEAN_SHUTDOWN, new byte[0], 0, null);
            flushAndSync();
        } catch (NoRoomException e) {
            LOG.warn("Journal: no room for the clean-shutdown mark ({}); the next start recovers as after a crash",
                    e.getMessage());
        }
    }

    /** Closing while batches wait for space: they cannot be kept, and the journal is left marked unclean. */
    private void abandonHeld() {
        List<Pending> rest = new ArrayList<>(held);
        held.clear();
        queue.drainTo(rest);
        BrokerException e = new BrokerException(ErrorCode.DISK_FULL, "the broker stopped while its disk was full;"
                + " this was not stored");
        int n = 0;
        for (Pending p : rest) {
            if (p != closeMark) {
                n++;
                p.done().completeExceptionally(e);
            }
        }
        LOG.error("Journal: stopping while the disk is full: {} batch(es) waiting for space were not written;"
                + " messages whose acknowledgements were among them are delivered again after the restart, flagged"
                + " redelivered", n);
        closeMark.done().complete(null);
    }

    /** Holding batches for lack of space: durable messages are refused until they are written. */
    private void diskFull(String reason) {
        heldReason = reason;
        if (writeAlarm == null) {
            raiseAlarm(reason);
        }
    }

    /**
     * Recomputes the disk alarm: on while batches are held or free space is below the limit. Free space is
     * looked at every {@link #SPACE_CHECK_NANOS} at most, unless {@code now}.
     */
    private void updateAlarm(boolean now) {
        long t = System.nanoTime();
        if (!now && t - nextSpaceCheck < 0) {
            return;
        }
        nextSpaceCheck = t + SPACE_CHECK_NANOS;
        String reason = null;
        long free = usableSpace();
        if (!held.isEmpty()) {
            reason = heldReason;
        } else if (options.minFree() > 0 && free >= 0 && free < options.minFree()) {
            reason = "only " + mib(free) + " free on the disk of " + dir + ", below storage.min-free ("
                    + mib(options.minFree()) + ")";
        }
        if (reason == null && writeAlarm != null) {
            writeAlarm = null;
            LOG.warn("Journal: disk alarm cleared ({} free in {}): durable messages are accepted again", mib(free), dir);
        } else if (reason != null && writeAlarm == null) {
            raiseAlarm(reason);
        }
    }

    private void raiseAlarm(String reason) {
        writeAlarm = new BrokerException(ErrorCode.DISK_FULL, "the broker's disk is full: " + reason
                + ". Durable messages are refused until space is freed; try again later");
        LOG.error("Journal: DISK ALARM: {}. Durable messages are refused until space is freed; consumers keep"
                + " working and waiting writes resume by themselves", reason);
    }

    @Override
    public BrokerException writeAlarm() {
        return writeAlarm;
    }

    /** -1 when the file system cannot say. */
    private long usableSpace() {
        try {
            return disk.usableSpace(dir);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private void indexRecords(Pending p, long entryPosition) {
        int[] off = p.offsets();
        for (int i = 0; i < off.length; i++) {
            int end = i + 1 < off.length ? off[i + 1] : p.length();
            index.apply(p.records().get(i), new JournalIndex.Loc(current.id, entryPosition + Entry.HEADER + off[i],
                    end - off[i], off[i]));
        }
    }

    /**
     * Frames and buffers one entry, rolling to a new segment when it does not fit.
     *
     * @return the entry's position in {@link #current}
     */
    private long writeEntry(byte kind, byte[] payload, int length, List<CompletableFuture<Void>> replicas)
            throws IOException {
        int size = Entry.HEADER + length + (options.encryption() == null ? 0 : SegmentCipher.TAG);
        if (current.position + size > options.segmentSize() && current.position > current.dataStart) {
            roll();
        }
        if (current.cipher != null) {
            return writeSealedEntry(kind, payload, length, size, replicas);
        }
        long seq = nextSeq;
        ByteBuffer header = ByteBuffer.allocate(Entry.HEADER);
        header.putInt(size - 4).putInt(0).putLong(seq).put(kind);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 8, Entry.HEADER - 8);
        crc.update(payload, 0, length);
        header.putInt(4, (int) crc.getValue());
        header.flip();
        long position = current.position;
        // An entry that grows the file past its zero-filled size is written at once, so that running out of
        // space shows here (and the entry can be held) rather than in a later flush of other entries.
        boolean grows = position + size > options.segmentSize();
        if (size > writeBuffer.remaining() || grows) {
            flushBuffer();
        }
        if (size > writeBuffer.capacity() || grows) {
            try {
                writeFully(ByteBuffer.wrap(header.array()), position);
                writeFully(ByteBuffer.wrap(payload, 0, length), position + Entry.HEADER);
            } catch (IOException e) {
                if (grows && outOfSpace(e)) {
                    throw new NoRoomException("cannot grow " + current.path.getFileName() + " for an entry of "
                            + size + " bytes: " + e.getMessage(), e);
                }
                throw e;
            }
        } else {
            writeBuffer.put(header).put(payload, 0, length);
        }
        nextSeq++;
        current.position += size;
        entries.incrementAndGet();
        bytesWritten.addAndGet(size);
        if (options.replicator() != null && replicas != null) {
            replicas.add(options.replicator().replicate(seq, Entry.frame(seq, kind, payload, length)));
        }
        return position;
    }

    /** {@link #writeEntry} in an encrypted segment: the entry is encrypted straight into the write buffer. */
    private long writeSealedEntry(byte kind, byte[] payload, int length, int size,
                                  List<CompletableFuture<Void>> replicas) throws IOException {
        long seq = nextSeq;
        long position = current.position;
        boolean grows = position + size > options.segmentSize();
        if (size > writeBuffer.remaining() || grows) {
            flushBuffer();
        }
        if (size > writeBuffer.capacity() || grows) {
            try {
                writeFully(ByteBuffer.wrap(current.cipher.frame(position, seq, kind, payload, length)), position);
            } catch (IOException e) {
                if (grows && outOfSpace(e)) {
                    throw new NoRoomException("cannot grow " + current.path.getFileName() + " for an entry of "
                            + size + " bytes: " + e.getMessage(), e);
                }
                throw e;
            }
        } else {
            current.cipher.write(position, seq, kind, payload, length, writeBuffer);
        }
        nextSeq++;
        current.position += size;
        entries.incrementAndGet();
        bytesWritten.addAndGet(size);
        // Replicas get the plain entry: the replication channel has its own protection (TLS), and a standby
        // encrypts with its own key.
        if (options.replicator() != null && replicas != null) {
            replicas.add(options.replicator().replicate(seq, Entry.frame(seq, kind, payload, length)));
        }
        return position;
    }

    /** Where the buffer's bytes go: they always end at {@code current.position}. */
    private void flushBuffer() throws IOException {
        if (writeBuffer.position() == 0) {
            return;
        }
        writeBuffer.flip();
        long at = current.position - writeBuffer.remaining();
        writeFully(writeBuffer, at);
        writeBuffer.clear();
    }

    private void writeFully(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            p += current.channel.write(b, p);
        }
    }

    private void flushAndSync() throws IOException {
        flushBuffer();
        if (options.fsync()) {
            current.channel.force(false);
        }
        fsyncs.incrementAndGet();
    }

    private void roll() throws IOException {
        flushAndSync();
        current = takeSpare();
        segments.add(current);
    }

    private Segment takeSpare() throws NoRoomException {
        if (spare == null) {
            throw new NoRoomException("no journal segment could be created in " + dir, null);
        }
        Segment s;
        try {
            s = spare.join();
        } catch (java.util.concurrent.CompletionException e) {
            // Dropped, so that the next attempt creates a segment instead of re-joining this failure.
            spare = null;
            nextSpareAttempt = System.nanoTime() + SPARE_RETRY_NANOS;
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw new NoRoomException("cannot create the next journal segment (" + mib(options.segmentSize())
                    + ") in " + dir + ": " + cause.getMessage(), cause);
        }
        prepareSpare();
        return s;
    }

    /**
     * While batches are held: whether a new segment is ready for them. Creates one again at most every
     * {@link #SPARE_RETRY_NANOS}, and only once the disk has room for it (a doomed attempt would fill the
     * disk for a moment).
     */
    private boolean spareReady() {
        if (spare != null) {
            if (!spare.isDone()) {
                return false;
            }
            if (!spare.isCompletedExceptionally()) {
                return true;
            }
            spare = null;
            nextSpareAttempt = System.nanoTime() + SPARE_RETRY_NANOS;
            return false;
        }
        long t = System.nanoTime();
        if (t - nextSpareAttempt < 0) {
            return false;
        }
        long free = usableSpace();
        if (free >= 0 && free < options.segmentSize()) {
            return false;
        }
        nextSpareAttempt = t + SPARE_RETRY_NANOS;
        prepareSpare();
        return false;
    }

    private static boolean outOfSpace(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") || m.contains("Disk quota exceeded");
    }

    /** The journal cannot grow: what did not fit is held until space is back. */
    private static final class NoRoomException extends IOException {
        NoRoomException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void prepareSpare() {
        long id = nextSegmentId++;
        spare = CompletableFuture.supplyAsync(() -> {
            try {
                // Zero-filling a segment that cannot fit would take the disk's last bytes from everyone for a moment.
                long free = disk.usableSpace(dir);
                if (free >= 0 && free < options.segmentSize()) {
                    throw new IOException("No space left on device: " + mib(free) + " free");
                }
                return disk.createSegment(dir, id, options.segmentSize(), options.encryption());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, allocator);
    }

    private void completeAll(List<Pending> batch, List<CompletableFuture<Void>> replicas) {
        if (replicas.isEmpty()) {
            for (Pending p : batch) {
                if (p != closeMark) {
                    p.done().complete(null);
                }
            }
            return;
        }
        CompletableFuture<Void> shipped = CompletableFuture.allOf(replicas.toArray(CompletableFuture[]::new));
        for (Pending p : batch) {
            if (p != closeMark) {
                shipped.whenComplete((v, t) -> {
                    if (t != null) {
                        p.done().completeExceptionally(new BrokerException(ErrorCode.UNAVAILABLE,
                                "the journal entry was written but not replicated: " + t.getMessage(), t));
                    } else {
                        p.done().complete(null);
                    }
                });
            }
        }
    }

    private void fail(Throwable t, List<Pending> inFlight) {
        BrokerException e = new BrokerException(ErrorCode.INTERNAL, "the journal in " + dir + " failed and accepts no"
                + " more writes: " + t, t);
        failure = e;
        accepting = false;
        LOG.error("Journal writer failed; durable messages can no longer be accepted", t);
        inFlight.forEach(p -> p.done().completeExceptionally(e));
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(e);
        }
    }

    // ------------------------------------------------------------------ compaction

    private void compactIfWorthwhile() {
        if (openStreams.get() > 0) {
            return;
        }
        try {
            while (segments.size() > 1 && segments.get(0) != current) {
                Segment oldest = segments.get(0);
                long used = Math.max(1, oldest.position - oldest.dataStart);
                // A plain segment left from before encryption was turned on is rewritten however live it is.
                boolean plainLeftover = options.encryption() != null && oldest.cipher == null;
                if (!plainLeftover && index.liveBytes(oldest.id) > options.compactThreshold() * used) {
                    return;
                }
                compact(oldest);
            }
        } catch (NoRoomException e) {
            LOG.debug("Journal compaction waits for space: {}", e.getMessage());
        } catch (IOException e) {
            LOG.warn("Journal compaction failed; it will be retried", e);
        }
    }

    /** Copies what is still live in the oldest segment to the head of the journal, then deletes it. */
    private void compact(Segment oldest) throws IOException {
        List<JournalIndex.LiveRecord> live = index.liveIn(oldest.id);
        BinaryWriter w = new BinaryWriter(64 * 1024);
        List<Runnable> reindex = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        List<Object> items = new ArrayList<>();
        for (JournalIndex.LiveRecord r : live) {
            int start = w.position();
            if (r instanceof JournalIndex.LiveRecord.Raw raw) {
                ByteBuffer b = ByteBuffer.allocate(raw.loc().length());
                long p = raw.loc().position();
                while (b.hasRemaining()) {
                    int n = oldest.channel.read(b, p);
                    if (n < 0) {
                        throw new IOException("segment " + oldest + " ends before a live record at " + raw.loc());
                    }
                    p += n;
                }
                byte[] bytes = oldest.cipher == null ? b.array() : oldest.cipher.record(raw.loc(), b.array());
                w.putRaw(bytes, 0, bytes.length);
            } else {
                RecordCodec.write(w, ((JournalIndex.LiveRecord.Fresh) r).record());
            }
            spans.add(new int[] {start, w.position() - start});
            items.add(r);
            if (w.position() >= COMPACTION_ENTRY_BYTES) {
                emitCompacted(w, spans, items, reindex);
                w = new BinaryWriter(64 * 1024);
            }
        }
        if (w.position() > 0) {
            emitCompacted(w, spans, items, reindex);
        }
        flushAndSync();
        reindex.forEach(Runnable::run);
        segments.remove(oldest);
        index.forget(oldest.id);
        oldest.close();
        Files.deleteIfExists(oldest.path);
        Segment.forceDirectory(dir);
        compactions.incrementAndGet();
        LOG.debug("Journal: compacted {} ({} live record(s) carried forward)", oldest.path.getFileName(), live.size());
    }

    private void emitCompacted(BinaryWriter w, List<int[]> spans, List<Object> items, List<Runnable> reindex)
            throws IOException {
        long position = writeEntry(Entry.KIND_RECORDS, w.array(), w.position(), null);
        long segment = current.id;
        for (int i = 0; i < items.size(); i++) {
            JournalIndex.Loc loc = new JournalIndex.Loc(segment, position + Entry.HEADER + spans.get(i)[0], spans.get(i)[1],
                    spans.get(i)[0]);
            Object item = items.get(i);
            // Re-pointed only after the copies are durable; until then the originals stay authoritative.
            if (item instanceof JournalIndex.LiveRecord.Raw raw) {
                reindex.add(() -> raw.moveTo().accept(loc));
            } else {
                StorageRecord record = ((JournalIndex.LiveRecord.Fresh) item).record();
                reindex.add(() -> index.apply(record, loc));
            }
        }
        spans.clear();
        items.clear();
    }

    // ------------------------------------------------------------------ lifecycle and stats

    @Override
    public boolean persistent() {
        return true;
    }

    /**
     * Stops as {@link #close} does but leaves the journal as after a crash, so that the next recovery flags
     * every message as possibly delivered. An HA standby closes its copy of the active's journal this way: the
     * active's consumers may hold any of those messages unacknowledged when the standby takes over.
     */
    public void closeWithoutCleanMark() {
        markClean = false;
        close();
    }

    /** Stops accepting, writes what is queued and a clean-shutdown mark, then releases the directory. */
    @Override
    public void close() {
        if (writer == null) {
            releaseLock();
            return;
        }
        accepting = false;
        closeRequested = true;
        if (failure == null) {
            queue.add(closeMark);
            try {
                closeMark.done().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Journal did not finish writing within 30 s of closing: {}", e.toString());
            }
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        for (Segment s : segments) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("Closing {} failed: {}", s, e.toString());
            }
        }
        releaseLock();
        LOG.debug("Journal closed: {} entries, {} fsyncs", entries.get(), fsyncs.get());
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("Releasing the journal lock failed: {}", e.toString());
        }
    }

    /** Counters for benchmarks and monitoring. */
    public record Stats(long fsyncs, long entries, long bytesWritten, long compactions, int segments) { }

    public Stats stats() {
        return new Stats(fsyncs.get(), entries.get(), bytesWritten.get(), compactions.get(), segmentCount());
    }

    private int segmentCount() {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> Segment.idOf(p).isPresent()).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
