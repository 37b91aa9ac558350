package io.ferrymq.core.journal;

import io.ferrymq.core.storage.DurableImage;
import io.ferrymq.core.storage.StorageRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The journal's start-up read: every segment of its directory, in order, into the durable image and the index.
 * A damaged entry followed only by zeros is a torn final write and is cut off; any other damage stops start-up
 * with the file and offset (or is skipped and reported, when the options say so).
 */
final class SegmentRecovery {

    /** Logged as the journal: operators and tests follow one logger for the whole journal. */
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** What the read found: whether the last run stopped cleanly, and the sequence number the next entry takes. */
    record Result(boolean clean, long nextSeq) { }

    private final Path dir;
    private final JournalOptions options;
    private final JournalIndex index;

    SegmentRecovery(Path dir, JournalOptions options, JournalIndex index) {
        this.dir = dir;
        this.options = options;
        this.index = index;
    }

    /** Reads every segment into the image and the index, adding each to {@code segments}, oldest first. */
    Result readAll(DurableImage image, List<Segment> segments) throws IOException {
        long nextSeq = 1;
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
        return new Result(lastKind == Entry.KIND_CLEAN_SHUTDOWN, nextSeq);
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
}
