package io.ferrymq.core.journal;

import io.ferrymq.core.storage.StorageRecord;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts entries into the journal's segments: frames each in the writer's one reused {@link BatchBuffer}, gives it
 * the next sequence number and its position (rolling to a new segment when it does not fit), and writes what is
 * buffered in one channel write when the batch is committed ({@link #flushAndSync}). Owned by the writer thread;
 * the counters are read by any thread.
 */
final class EntryWriter {

    /** Buffered entries are written once they reach this much, even within a batch. */
    static final int WRITE_BUFFER = 1 << 20;

    /** A record of a batch could not be encoded: nothing of the batch was written. */
    static final class UnencodableBatch extends Exception {
        UnencodableBatch(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final JournalOptions options;
    private final SegmentSupply supply;
    /** The journal's segments, oldest first: a roll adds the new one. */
    private final List<Segment> segments;
    private final BatchBuffer buffer = new BatchBuffer(WRITE_BUFFER);
    /** The replicated entries placed and not yet shipped; null without a replicator. */
    private final ShippingBatch shipping;
    private final AtomicLong fsyncs = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private Segment current;
    private long nextSeq = 1;

    EntryWriter(JournalOptions options, SegmentSupply supply, List<Segment> segments) {
        this.options = options;
        this.supply = supply;
        this.segments = segments;
        this.shipping = options.replicator() == null ? null : new ShippingBatch();
    }

    /** After recovery: entries go to {@code first} (already in the segment list), numbered from {@code nextSeq}. */
    void start(Segment first, long nextSeq) {
        this.current = first;
        this.nextSeq = nextSeq;
    }

    /** The segment entries go to now. */
    Segment current() {
        return current;
    }

    /** The sequence number of the last entry placed. */
    long lastSeq() {
        return nextSeq - 1;
    }

    /**
     * Encodes {@code records} as one entry straight into the buffer and places it; {@code recordStarts[i]} gets
     * where record {@code i} starts in the entry's payload.
     *
     * @return the entry's position in {@link #current()}
     */
    long writeRecords(byte kind, List<StorageRecord> records, int[] recordStarts, boolean replicated)
            throws IOException, UnencodableBatch {
        int start = buffer.beginEntry();
        int payloadStart = start + Entry.HEADER;
        try {
            for (int i = 0; i < records.size(); i++) {
                recordStarts[i] = RecordCodec.write(buffer, records.get(i)) - payloadStart;
            }
        } catch (RuntimeException e) {
            buffer.dropUnplaced();
            throw new UnencodableBatch(e);
        }
        return place(buffer.finishEntry(start, nextSeq, kind), replicated);
    }

    /**
     * Frames an already encoded payload (compaction, the clean-shutdown mark, a standby's copied entries) as an
     * entry and places it.
     *
     * @return the entry's position in {@link #current()}
     */
    long writeEntry(byte kind, byte[] payload, int length, boolean replicated) throws IOException {
        int start = buffer.beginEntry();
        buffer.putRaw(payload, 0, length);
        return place(buffer.finishEntry(start, nextSeq, kind), replicated);
    }

    /**
     * Frames as one entry the payload made of {@code count} ranges of {@code src} ({@code ranges[2i]} the start of
     * range {@code i}, {@code ranges[2i + 1]} its length), copied straight into the buffer, and places it: a
     * standby's copy of a batch of the active's entries, without their headers.
     *
     * @return the entry's position in {@link #current()}
     */
    long writeEntry(byte kind, byte[] src, int[] ranges, int count, boolean replicated) throws IOException {
        int start = buffer.beginEntry();
        for (int i = 0; i < count; i++) {
            buffer.putRaw(src, ranges[2 * i], ranges[2 * i + 1]);
        }
        return place(buffer.finishEntry(start, nextSeq, kind), replicated);
    }

    /**
     * Hands the replicated entries placed since the last call to the replicator, as one batch; null when there
     * are none (or no replicator).
     */
    CompletableFuture<Void> ship() {
        return shipping == null ? null : shipping.ship(options.replicator());
    }

    /** Writes what is buffered and (unless fsync is off) makes it durable: one group commit. */
    void flushAndSync() throws IOException {
        flush();
        if (options.fsync()) {
            current.channel.force(false);
        }
        fsyncs.incrementAndGet();
    }

    /** Writes what is buffered, so that it can be read back from the segment. */
    void flush() throws IOException {
        int n = buffer.placed();
        if (n > 0) {
            // The buffered entries always end at current.position.
            buffer.writeTo(current.channel, current.position - n);
        }
    }

    /** Gives back the memory of an unusually large batch once it is written. */
    void trim() {
        buffer.shrinkIfEmpty();
    }

    long fsyncs() {
        return fsyncs.get();
    }

    long entries() {
        return entries.get();
    }

    long bytesWritten() {
        return bytesWritten.get();
    }

    /**
     * Gives the entry just framed in the buffer its place, rolling to a new segment when it does not fit, and in an
     * encrypted segment seals it there (a replica gets it plain, copied before). When it cannot be placed (no room)
     * it is dropped from the buffer.
     */
    private long place(int size, boolean replicated) throws IOException {
        int onDisk = size + (options.encryption() == null ? 0 : SegmentCipher.TAG);
        if (current.position + onDisk > options.segmentSize() && current.position > current.dataStart) {
            try {
                roll();
            } catch (NoRoomException e) {
                buffer.dropUnplaced();
                throw e;
            }
        }
        int plainSize = size;
        boolean shipped = replicated && shipping != null;
        if (shipped) {
            // Copied plain, before it is sealed or anything moves it in the buffer; taken back if it cannot be written.
            shipping.add(nextSeq, buffer, buffer.placed(), size);
        }
        long position = current.position;
        if (current.cipher != null) {
            onDisk = size + SegmentCipher.TAG;
        }
        // An entry that grows the file past its zero-filled size is written at once, so that running out of
        // space shows here (and the entry can be held) rather than in a later flush of other entries.
        if (position + onDisk > options.segmentSize()) {
            flush();
            try {
                if (current.cipher != null) {
                    // Room first, so that an entry that is held for lack of it was never sealed: once sealed at a
                    // position, the entry must be written there (GCM never takes a position of a segment twice).
                    current.grow(position + onDisk);
                }
            } catch (IOException e) {
                buffer.dropUnplaced();
                if (shipped) {
                    shipping.dropLast(size);
                }
                throw outOfSpace(e) ? noRoom(size, e) : e;
            }
            size = seal(position);
            try {
                buffer.writeUnplacedTo(current.channel, position);
            } catch (IOException e) {
                buffer.dropUnplaced();
                if (shipped) {
                    shipping.dropLast(plainSize);
                }
                // A sealed entry's position is spent: a failure to write it is not held and retried there.
                throw outOfSpace(e) && current.cipher == null ? noRoom(size, e) : e;
            }
        } else {
            size = seal(position);
            buffer.place();
        }
        nextSeq++;
        current.position += size;
        entries.incrementAndGet();
        bytesWritten.addAndGet(size);
        if (buffer.placed() >= WRITE_BUFFER) {
            flush();
        }
        return position;
    }

    /** Seals the entry being encoded for {@code position} when the current segment is encrypted. @return its size */
    private int seal(long position) {
        return current.cipher == null ? buffer.unplaced() : buffer.sealEntry(current.cipher, position);
    }

    private NoRoomException noRoom(int size, IOException e) {
        return new NoRoomException("cannot grow " + current.path.getFileName() + " for an entry of " + size
                + " bytes: " + e.getMessage(), e);
    }

    private void roll() throws IOException {
        flushAndSync();
        current = supply.take();
        segments.add(current);
    }

    private static boolean outOfSpace(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") || m.contains("Disk quota exceeded");
    }
}
