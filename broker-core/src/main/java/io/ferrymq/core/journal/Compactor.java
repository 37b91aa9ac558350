package io.ferrymq.core.journal;

import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deletes the journal's oldest segment once little of it is still live: its live records are copied to the head
 * of the journal first (as they are, or as a record of their current state), and the index is re-pointed at the
 * copies once they are durable. Runs on the writer thread, between batches.
 */
final class Compactor {

    /** Logged as the journal: operators and tests follow one logger for the whole journal. */
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    /** Live records are carried forward in entries of about this size (snapshots use the same). */
    static final int ENTRY_BYTES = 1 << 20;

    private final JournalOptions options;
    private final Path dir;
    private final List<Segment> segments;
    private final JournalIndex index;
    private final EntryWriter writer;
    /** Open snapshot streams: while any is, compaction waits, so the segments they read stay in place. */
    private final AtomicInteger openStreams;
    private final AtomicLong compactions = new AtomicLong();

    Compactor(JournalOptions options, List<Segment> segments, JournalIndex index, EntryWriter writer,
              AtomicInteger openStreams) {
        this.options = options;
        this.dir = options.directory();
        this.segments = segments;
        this.index = index;
        this.writer = writer;
        this.openStreams = openStreams;
    }

    long compactions() {
        return compactions.get();
    }

    /** Compacts the oldest segments while little of each is live (and no snapshot stream reads them). */
    void compactIfWorthwhile() {
        if (openStreams.get() > 0) {
            return;
        }
        try {
            while (segments.size() > 1 && segments.get(0) != writer.current()) {
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
            if (w.position() >= ENTRY_BYTES) {
                emitCompacted(w, spans, items, reindex);
                w = new BinaryWriter(64 * 1024);
            }
        }
        if (w.position() > 0) {
            emitCompacted(w, spans, items, reindex);
        }
        writer.flushAndSync();
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
        long position = writer.writeEntry(Entry.KIND_RECORDS, w.array(), w.position(), false);
        long segment = writer.current().id;
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
}
