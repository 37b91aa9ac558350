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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The broker's own append-only store: segmented files of CRC-checked entries, one entry per appended
 * batch, written by a single thread with group commit (one fsync covers every batch that arrived while
 * the previous fsync ran). Callers never wait on disk: they hand over their records and get a future that
 * completes once the batch is durable. The writer encodes each batch straight into its one reused
 * {@link BatchBuffer} and writes the buffered entries with one channel write per group commit.
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
    private static final int MAX_BATCH = 4096;
    /** How often the writer looks at free space (and, while holding batches, retries). */
    private static final long SPACE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A batch waiting for the writer, which encodes it. It is also the future its caller gets (one object per
     * append rather than two), completed once the batch is durable.
     */
    private static final class Pending extends CompletableFuture<Void> {
        final byte kind;
        /** The records to encode; null for a copied entry, whose records are already encoded in {@link #copied}. */
        final List<StorageRecord> records;
        /** What a {@link #SNAPSHOT_REQUEST} runs; null for entries. */
        final Between between;
        /**
         * A copied entry's source: the other journal's entries, whose payloads (records back to back, as it encoded
         * them) are {@code copied[ranges[2i] .. ranges[2i] + ranges[2i + 1])}, {@code rangeCount} of them, together
         * {@code copiedLength} bytes: written from there, so that the records are copied once on their way in.
         */
        final byte[] copied;
        final int[] ranges;
        final int rangeCount;
        final int copiedLength;

        Pending(byte kind, List<StorageRecord> records, Between between) {
            this.kind = kind;
            this.records = records;
            this.between = between;
            this.copied = null;
            this.ranges = null;
            this.rangeCount = 0;
            this.copiedLength = 0;
        }

        Pending(byte[] copied, int[] ranges, int rangeCount, int copiedLength) {
            this.kind = Entry.KIND_RECORDS;
            this.records = null;
            this.between = null;
            this.copied = copied;
            this.ranges = ranges;
            this.rangeCount = rangeCount;
            this.copiedLength = copiedLength;
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
    private final Pending closeMark = new Pending(Entry.KIND_CLEAN_SHUTDOWN, List.of(), null);
    private final JournalIndex index = new JournalIndex();
    private final List<Segment> segments = new ArrayList<>();
    private final EntryWriter entryWriter;
    private final Compactor compactor;
    /** Writer thread: where each record of the entry being written starts in its payload. */
    private int[] recordStarts = new int[16];
    /** Writer thread, reused for every batch: the entries written and their replication (if replicated). */
    private final List<Pending> written = new ArrayList<>();
    private final List<CompletableFuture<Void>> replicas = new ArrayList<>();
    private final SegmentSupply supply;
    /** Batches the writer could not write for lack of space, oldest first: written once space is back. */
    private final ArrayDeque<Pending> held = new ArrayDeque<>();
    private String heldReason;
    private long nextSpaceCheck = System.nanoTime();
    private volatile BrokerException writeAlarm;
    private volatile boolean closeRequested;
    /** Cleared by {@link #closeWithoutCleanMark}: the writer then stops without marking a clean stop. */
    private volatile boolean markClean = true;
    private Thread writer;
    private volatile boolean accepting;
    private volatile BrokerException failure;

    private volatile io.ferrymq.core.storage.SyncTimings syncTimings = io.ferrymq.core.storage.SyncTimings.NONE;

    @Override
    public void syncTimings(io.ferrymq.core.storage.SyncTimings listener) {
        syncTimings = listener == null ? io.ferrymq.core.storage.SyncTimings.NONE : listener;
    }

    private Journal(JournalOptions options, FileChannel lockChannel, FileLock lock, Disk disk) {
        this.options = options;
        this.dir = options.directory();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.supply = new SegmentSupply(dir, options.segmentSize(), options.encryption(), disk);
        this.entryWriter = new EntryWriter(options, supply, segments);
        this.compactor = new Compactor(options, segments, index, entryWriter, openStreams);
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
            SegmentRecovery.Result read = new SegmentRecovery(dir, options, index).readAll(image, segments);
            clean = read.clean();
            Segment first = supply.first(segments.isEmpty() ? 0 : segments.get(segments.size() - 1).id);
            segments.add(first);
            entryWriter.start(first, read.nextSeq());
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
        // Encoded by the writer, straight into its buffer: the list and its records are the journal's from here on.
        Pending p = new Pending(Entry.KIND_RECORDS, batch, null);
        queue.add(p);
        // The writer may have failed between the check above and the add: never leave a batch hanging.
        BrokerException late = failure;
        if (late != null && queue.remove(p)) {
            p.completeExceptionally(late);
        }
        return p;
    }

    /**
     * Appends the records of complete entries another journal wrote (an HA standby's copy of what the active
     * ships), as one entry of this journal with its own sequence number. The records are not decoded: the
     * entries' CRCs are checked and the index learns what it needs (record kinds and ids) on the writer thread,
     * so a copy costs about what its bytes do.
     *
     * @param entries complete entries back to back, as {@link Replicator#replicate(long, long, byte[])} gets them;
     *                the journal reads their records from this array until the batch is written, so the caller
     *                must not change it
     * @throws IllegalArgumentException when they are not whole entries, fail their CRC or hold a damaged record
     */
    public CompletableFuture<Void> appendEntries(byte[] entries) {
        BrokerException failed = failure;
        if (failed != null) {
            return CompletableFuture.failedFuture(failed);
        }
        if (!accepting) {
            return CompletableFuture.failedFuture(new BrokerException(ErrorCode.UNAVAILABLE,
                    "the journal is not open for writing"));
        }
        // Where each entry's records are (no copy of them here: the writer copies them once, into its buffer).
        int[] ranges = new int[8];
        int count = 0;
        int length = 0;
        for (int at = 0; at < entries.length; ) {
            int size = at + 4 <= entries.length ? Entry.getInt(entries, at) + 4 : -1;
            if (size < Entry.HEADER || size > entries.length - at) {
                throw new IllegalArgumentException("not a complete journal entry at offset " + at + " of "
                        + entries.length + " bytes");
            }
            if (Entry.getInt(entries, at + 4) != Entry.crc(entries, at + 8, size - 8)) {
                throw new IllegalArgumentException("the journal entry at offset " + at + " failed its CRC check");
            }
            if (entries[at + 16] == Entry.KIND_RECORDS) {
                int n = size - Entry.HEADER;
                RecordCodec.count(entries, at + Entry.HEADER, n);
                if (2 * count + 2 > ranges.length) {
                    ranges = Arrays.copyOf(ranges, ranges.length * 2);
                }
                ranges[2 * count] = at + Entry.HEADER;
                ranges[2 * count + 1] = n;
                count++;
                length += n;
            }
            at += size;
        }
        // No record objects: the writer indexes the records from their bytes.
        Pending p = new Pending(entries, ranges, count, length);
        queue.add(p);
        BrokerException late = failure;
        if (late != null && queue.remove(p)) {
            p.completeExceptionally(late);
        }
        return p;
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
            entryWriter.flush();
            java.util.Map<Long, Segment> byId = new java.util.HashMap<>();
            segments.forEach(s -> byId.put(s.id, s));
            openStreams.incrementAndGet();
            opened.complete(new SnapshotStream(entryWriter.lastSeq(), index.liveAll(), byId, Compactor.ENTRY_BYTES,
                    openStreams::decrementAndGet));
        });
    }

    private <T> CompletableFuture<T> between(CompletableFuture<T> taken, Between work) {
        Pending p = new Pending(SNAPSHOT_REQUEST, List.of(), work);
        // A failure of the writer fails the request through its own future.
        p.whenComplete((v, t) -> {
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
        entryWriter.flush();
        List<byte[]> out = new ArrayList<>();
        BinaryWriter w = new BinaryWriter(64 * 1024);
        for (JournalIndex.LiveRecord r : index.liveAll()) {
            if (r instanceof JournalIndex.LiveRecord.Raw raw) {
                w.putRaw(readRecord(raw.loc()), 0, raw.loc().length());
            } else {
                RecordCodec.write(w, ((JournalIndex.LiveRecord.Fresh) r).record());
            }
            if (w.position() >= Compactor.ENTRY_BYTES) {
                out.add(Entry.frame(0, Entry.KIND_RECORDS, w.array(), w.position()));
                w = new BinaryWriter(64 * 1024);
            }
        }
        if (w.position() > 0) {
            out.add(Entry.frame(0, Entry.KIND_RECORDS, w.array(), w.position()));
        }
        taken.complete(new Snapshot(entryWriter.lastSeq(), out));
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
        // The writer's thread: the segment's own cipher is its to use.
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
                    compactor.compactIfWorthwhile();
                    if (!supply.ready()) {
                        continue;
                    }
                    batch.addAll(held);
                    held.clear();
                    queue.drainTo(batch, MAX_BATCH);
                } else {
                    Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        updateAlarm(false);
                        compactor.compactIfWorthwhile();
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
                    closeMark.complete(null);
                    return;
                }
                compactor.compactIfWorthwhile();
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
        replicas.clear();
        written.clear();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (p == closeMark) {
                closing = true;
                continue;
            }
            if (p.kind == SNAPSHOT_REQUEST) {
                // The entries before the snapshot's point reach the replicator before it, the later ones after.
                ship();
                p.between.run();
                continue;
            }
            try {
                if (p.copied != null) {
                    writeCopied(p);
                } else if (!writeRecords(p)) {
                    continue;
                }
            } catch (NoRoomException e) {
                held.addAll(batch.subList(i, batch.size()));
                if (closing) {
                    held.add(closeMark);
                }
                closing = false;
                diskFull(e.getMessage());
                break;
            }
            written.add(p);
        }
        ship();
        long started = System.nanoTime();
        entryWriter.flushAndSync();
        entryWriter.trim();
        syncTimings.committed(System.nanoTime() - started, written.size());
        completeAll(written, replicas);
        return closing;
    }

    /**
     * Encodes one appended batch as an entry straight into the writer's buffer, places it and indexes its
     * records.
     *
     * @return false when a record could not be encoded: that batch alone fails, nothing of it is written
     */
    private boolean writeRecords(Pending p) throws IOException {
        List<StorageRecord> records = p.records;
        int n = records.size();
        if (recordStarts.length < n) {
            recordStarts = new int[Math.max(n, recordStarts.length * 2)];
        }
        long position;
        try {
            position = entryWriter.writeRecords(p.kind, records, recordStarts, true);
        } catch (EntryWriter.UnencodableBatch e) {
            LOG.warn("Journal: a batch of {} record(s) could not be encoded and was not stored: {}", n,
                    e.getCause().toString());
            p.completeExceptionally(new BrokerException(ErrorCode.INTERNAL, "the journal could not encode this batch: "
                    + e.getMessage(), e.getCause()));
            return false;
        }
        // The entry is the last one placed: it ends where the segment's next entry goes (after its tag if sealed).
        int payloadLength = (int) (entryWriter.current().position - position) - Entry.HEADER
                - (entryWriter.current().cipher == null ? 0 : SegmentCipher.TAG);
        long segment = entryWriter.current().id;
        for (int i = 0; i < n; i++) {
            int end = i + 1 < n ? recordStarts[i + 1] : payloadLength;
            index.apply(records.get(i), new JournalIndex.Loc(segment, position + Entry.HEADER + recordStarts[i],
                    end - recordStarts[i], recordStarts[i]));
        }
        return true;
    }

    /** Places a copied entry and indexes its records from their bytes, never decoding a message. */
    private void writeCopied(Pending p) throws IOException {
        long position = entryWriter.writeEntry(Entry.KIND_RECORDS, p.copied, p.ranges, p.rangeCount, true);
        long segment = entryWriter.current().id;
        byte[] src = p.copied;
        // off: where a record lands in this entry's payload; at: where it is in the source.
        int off = 0;
        for (int r = 0; r < p.rangeCount; r++) {
            int at = p.ranges[2 * r];
            int end = at + p.ranges[2 * r + 1];
            while (at < end) {
                int size = RecordCodec.HEADER + RecordCodec.length(src, at);
                JournalIndex.Loc loc = new JournalIndex.Loc(segment, position + Entry.HEADER + off, size, off);
                if (RecordCodec.isAddMessage(src, at)) {
                    index.placeMessage(RecordCodec.messageId(src, at), loc);
                } else {
                    index.apply(RecordCodec.read(src, at), loc);
                }
                at += size;
                off += size;
            }
        }
    }

    /** Hands the entries written since the last call to the replicator, as one batch. */
    private void ship() {
        CompletableFuture<Void> shipped = entryWriter.ship();
        if (shipped != null) {
            replicas.add(shipped);
        }
    }

    private void writeCleanShutdown() throws IOException {
        try {
            entryWriter.writeEntry(Entry.KIND_CLEAN_SHUTDOWN, new byte[0], 0, false);
            entryWriter.flushAndSync();
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
                p.completeExceptionally(e);
            }
        }
        LOG.error("Journal: stopping while the disk is full: {} batch(es) waiting for space were not written;"
                + " messages whose acknowledgements were among them are delivered again after the restart, flagged"
                + " redelivered", n);
        closeMark.complete(null);
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

    private long usableSpace() {
        return supply.usableSpace();
    }

    private static String mib(long bytes) {
        return SegmentSupply.mib(bytes);
    }

    /** Completes a written batch's futures together: at once, or once every entry of it is replicated. */
    private void completeAll(List<Pending> batch, List<CompletableFuture<Void>> replicas) {
        if (replicas.isEmpty()) {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(null);
            }
            return;
        }
        Pending[] done = batch.toArray(Pending[]::new);
        // Nearly always one future (one group commit, one shipped batch): waited on as it is, without allOf's tree.
        CompletableFuture<Void> replicated = replicas.size() == 1 ? replicas.get(0)
                : CompletableFuture.allOf(replicas.toArray(CompletableFuture[]::new));
        replicated.whenComplete((v, t) -> {
            BrokerException e = t == null ? null : new BrokerException(ErrorCode.UNAVAILABLE,
                    "the journal entry was written but not replicated: " + t.getMessage(), t);
            for (Pending p : done) {
                if (e == null) {
                    p.complete(null);
                } else {
                    p.completeExceptionally(e);
                }
            }
        });
    }

    private void fail(Throwable t, List<Pending> inFlight) {
        BrokerException e = new BrokerException(ErrorCode.INTERNAL, "the journal in " + dir + " failed and accepts no"
                + " more writes: " + t, t);
        failure = e;
        accepting = false;
        LOG.error("Journal writer failed; durable messages can no longer be accepted", t);
        inFlight.forEach(p -> p.completeExceptionally(e));
        Pending p;
        while ((p = queue.poll()) != null) {
            p.completeExceptionally(e);
        }
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
                closeMark.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Journal did not finish writing within 30 s of closing: {}", e.toString());
            }
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        supply.close();
        for (Segment s : segments) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.warn("Closing {} failed: {}", s, e.toString());
            }
        }
        releaseLock();
        LOG.debug("Journal closed: {} entries, {} fsyncs", entryWriter.entries(), entryWriter.fsyncs());
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
        return new Stats(entryWriter.fsyncs(), entryWriter.entries(), entryWriter.bytesWritten(), compactor.compactions(),
                segmentCount());
    }

    private int segmentCount() {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> Segment.idOf(p).isPresent()).count();
        } catch (IOException e) {
            return -1;
        }
    }
}
