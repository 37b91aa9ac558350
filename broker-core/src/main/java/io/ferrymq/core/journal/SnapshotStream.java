package io.ferrymq.core.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A snapshot of the journal's live records read a bounded entry at a time ({@link Journal#streamSnapshot}):
 * it holds where the live records were when it was taken, and reads their bytes from the segments only as
 * {@link #next} is called, so a resync never holds the whole live state in memory nor the writer for the copy.
 * The journal does not compact while a stream is open: {@link #close} it. One thread iterates it.
 */
public final class SnapshotStream implements AutoCloseable {

    private final long through;
    private final List<JournalIndex.LiveRecord> live;
    private final Map<Long, Segment> segments;
    private final int entryBytes;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int next;
    /** This thread's ciphers of encrypted segments (the writer's own are not thread-safe). */
    private final Map<Long, SegmentCipher> ciphers = new java.util.HashMap<>();

    SnapshotStream(long through, List<JournalIndex.LiveRecord> live, Map<Long, Segment> segments, int entryBytes,
                   Runnable onClose) {
        this.through = through;
        this.live = live;
        this.segments = segments;
        this.entryBytes = entryBytes;
        this.onClose = onClose;
    }

    /** Every entry up to this sequence number is in the snapshot; every later one reaches the replicator after it. */
    public long through() {
        return through;
    }

    /** How many live records the snapshot holds. */
    public int records() {
        return live.size();
    }

    /**
     * The next entry of the snapshot (sequence 0, records only, about 1 MiB at most beyond one large record),
     * or null once every live record has been returned.
     */
    public byte[] next() throws IOException {
        if (next >= live.size()) {
            return null;
        }
        BinaryWriter w = new BinaryWriter(64 * 1024);
        while (next < live.size() && w.position() < entryBytes) {
            JournalIndex.LiveRecord r = live.get(next);
            // Returned records are let go of: the stream's memory shrinks as it goes.
            live.set(next++, null);
            if (r instanceof JournalIndex.LiveRecord.Raw raw) {
                w.putRaw(read(raw.loc()), 0, raw.loc().length());
            } else {
                RecordCodec.write(w, ((JournalIndex.LiveRecord.Fresh) r).record());
            }
        }
        return Entry.frame(0, Entry.KIND_RECORDS, w.array(), w.position());
    }

    private byte[] read(JournalIndex.Loc loc) throws IOException {
        Segment segment = segments.get(loc.segment());
        if (segment == null) {
            throw new IOException("no segment " + loc.segment() + " for a live record of the snapshot");
        }
        ByteBuffer b = ByteBuffer.allocate(loc.length());
        long p = loc.position();
        while (b.hasRemaining()) {
            // Positional reads: safe beside the writer, which only appends to the newest segment.
            if (segment.channel.read(b, p + b.position()) < 0) {
                throw new IOException("segment " + segment.path + " ends before a live record at " + loc);
            }
        }
        if (segment.cipher == null) {
            return b.array();
        }
        return ciphers.computeIfAbsent(segment.id, id -> segment.cipher.copy()).record(loc, b.array());
    }

    /** Lets the journal compact again. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }
}
