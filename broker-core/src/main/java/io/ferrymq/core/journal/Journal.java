package io.ferrymq.core.journal;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.ErrorCode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
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
 */
public final class Journal implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final int WRITE_BUFFER = 1 << 20;
    private static final int MAX_BATCH = 4096;
    private static final int COMPACTION_ENTRY_BYTES = 1 << 20;

    /** A batch waiting for the writer. */
    private record Pending(byte kind, byte[] payload, int length, int[] offsets, List<StorageRecord> records,
                           CompletableFuture<Void> done) { }


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
    private CompletableFuture<Segment> spare;
    private Segment current;
    private long nextSegmentId = 1;
    private long nextSeq = 1;
    private Thread writer;
    private volatile boolean accepting;
    private volatile BrokerException failure;

    private final AtomicLong fsyncs = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();

    private Journal(JournalOptions options, FileChannel lockChannel, FileLock lock) {
        this.options = options;
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
            return new Journal(options, ch, lock);
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
            current = Segment.create(dir, nextSegmentId++, options.segmentSize());
            segments.add(current);
            prepareSpare();
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
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            long id = Segment.idOf(file).getAsLong();
            boolean last = i == files.size() - 1;
            long end;
            Long truncateAt = null;
            try (EntryReader reader = new EntryReader(file, id)) {
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
            segments.add(Segment.open(file, id, end));
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
            if (ch.size() < Segment.FILE_HEADER + 4) {
                return true;
            }
            ByteBuffer len = ByteBuffer.allocate(4);
            while (len.hasRemaining() && ch.read(len, Segment.FILE_HEADER + len.position()) >= 0) {
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
            index.apply(r, new JournalIndex.Loc(segmentId, e.position() + Entry.HEADER + off, len));
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

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        try {
            while (true) {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    compactIfWorthwhile();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH);
                if (options.commitDelayNanos() > 0 && first != closeMark) {
                    LockSupport.parkNanos(options.commitDelayNanos());
                    queue.drainTo(batch, MAX_BATCH);
                }
                boolean closing = false;
                List<CompletableFuture<Void>> replicas = new ArrayList<>(batch.size());
                for (Pending p : batch) {
                    if (p == closeMark) {
                        closing = true;
                        continue;
                    }
                    long position = writeEntry(p.kind(), p.payload(), p.length(), replicas);
                    indexRecords(p, position);
                }
                flushAndSync();
                completeAll(batch, replicas);
                batch.clear();
                if (closing) {
                    writeEntry(Entry.KIND_CLEAN_SHUTDOWN, new byte[0], 0, null);
                    flushAndSync();
                    closeMark.done().complete(null);
                    return;
                }
                compactIfWorthwhile();
            }
        } catch (Throwable t) {
            fail(t, batch);
        }
    }

    private void indexRecords(Pending p, long entryPosition) {
        int[] off = p.offsets();
        for (int i = 0; i < off.length; i++) {
            int end = i + 1 < off.length ? off[i + 1] : p.length();
            index.apply(p.records().get(i), new JournalIndex.Loc(current.id, entryPosition + Entry.HEADER + off[i],
                    end - off[i]));
        }
    }

    /**
     * Frames and buffers one entry, rolling to a new segment when it does not fit.
     *
     * @return the entry's position in {@link #current}
     */
    private long writeEntry(byte kind, byte[] payload, int length, List<CompletableFuture<Void>> replicas)
            throws IOException {
        int size = Entry.HEADER + length;
        if (current.position + size > options.segmentSize() && current.position > Segment.FILE_HEADER) {
            roll();
        }
        long seq = nextSeq++;
        ByteBuffer header = ByteBuffer.allocate(Entry.HEADER);
        header.putInt(size - 4).putInt(0).putLong(seq).put(kind);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 8, Entry.HEADER - 8);
        crc.update(payload, 0, length);
        header.putInt(4, (int) crc.getValue());
        header.flip();
        long position = current.position;
        if (size > writeBuffer.remaining()) {
            flushBuffer();
        }
        if (size > writeBuffer.capacity()) {
            writeFully(ByteBuffer.wrap(header.array()), position);
            writeFully(ByteBuffer.wrap(payload, 0, length), position + Entry.HEADER);
        } else {
            writeBuffer.put(header).put(payload, 0, length);
        }
        current.position += size;
        entries.incrementAndGet();
        bytesWritten.addAndGet(size);
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

    private Segment takeSpare() throws IOException {
        try {
            Segment s = spare.join();
            prepareSpare();
            return s;
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException("cannot create the next journal segment: " + e.getCause(), e.getCause());
        }
    }

    private void prepareSpare() {
        long id = nextSegmentId++;
        spare = CompletableFuture.supplyAsync(() -> {
            try {
                return Segment.create(dir, id, options.segmentSize());
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
        try {
            while (segments.size() > 1 && segments.get(0) != current) {
                Segment oldest = segments.get(0);
                long used = Math.max(1, oldest.position - Segment.FILE_HEADER);
                if (index.liveBytes(oldest.id) > options.compactThreshold() * used) {
                    return;
                }
                compact(oldest);
            }
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
                w.putRaw(b.array(), 0, b.capacity());
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
            JournalIndex.Loc loc = new JournalIndex.Loc(segment, position + Entry.HEADER + spans.get(i)[0], spans.get(i)[1]);
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

    /** Stops accepting, writes what is queued and a clean-shutdown mark, then releases the directory. */
    @Override
    public void close() {
        if (writer == null) {
            releaseLock();
            return;
        }
        accepting = false;
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
