package io.ferrymq.core.journal;

import io.ferrymq.core.storage.StorageRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads entries shipped by a {@link Replicator}: what a standby applies to rebuild the primary's state.
 * Each entry carries its own CRC, so damage in transit is detected here.
 */
public final class EntryDecoder {

    private EntryDecoder() {
    }

    public static long sequence(byte[] entry) {
        check(entry);
        return Entry.getLong(entry, 8);
    }

    /** Whether the entry marks a clean shutdown rather than carrying records. */
    public static boolean isCleanShutdown(byte[] entry) {
        check(entry);
        return entry[16] == Entry.KIND_CLEAN_SHUTDOWN;
    }

    /**
     * @throws IllegalArgumentException when the entry is damaged (length or CRC) or holds an unknown record
     */
    public static List<StorageRecord> records(byte[] entry) {
        check(entry);
        List<StorageRecord> out = new ArrayList<>();
        int off = Entry.HEADER;
        try {
            while (off < entry.length) {
                out.add(RecordCodec.read(entry, off));
                off += RecordCodec.HEADER + RecordCodec.length(entry, off);
            }
        } catch (MalformedRecordException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("journal entry holds an undecodable record: " + e.getMessage(), e);
        }
        return out;
    }

    private static void check(byte[] entry) {
        if (entry.length < Entry.HEADER || Entry.getInt(entry, 0) != entry.length - 4) {
            throw new IllegalArgumentException("not a complete journal entry (" + entry.length + " bytes)");
        }
        if (Entry.getInt(entry, 4) != Entry.crc(entry, 8, entry.length - 8)) {
            throw new IllegalArgumentException("journal entry failed its CRC check");
        }
    }
}
