package io.ferrymq.core.journal;

import java.nio.file.Path;

/**
 * A journal entry that is damaged where it cannot be a torn final write. Start-up stops, naming the file
 * and offset, unless the journal is told to skip damaged entries (losing what they held).
 */
public final class JournalCorruptedException extends RuntimeException {

    private final Path file;
    private final long offset;

    JournalCorruptedException(Path file, long offset, String reason) {
        super("journal file " + file + " is corrupt at offset " + offset + " (" + reason + "); data after it would be"
                + " lost. Restore the data directory from a backup or standby, or start with journal skip-corrupt"
                + " enabled to skip the damaged entry and continue");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
