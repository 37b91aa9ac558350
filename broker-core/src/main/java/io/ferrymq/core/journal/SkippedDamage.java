package io.ferrymq.core.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * One damaged region that recovery skips in skip-corrupt mode, from the first bad byte to the next intact
 * entry (possibly in a later segment). It is reported once, when recovery knows how many entries it held.
 */
final class SkippedDamage {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path file;
    private final long offset;
    private final String reason;
    /** The sequence number the first lost entry had; -1 when the damage starts the journal. */
    private final long firstLostSeq;
    private long bytes;

    SkippedDamage(Path file, long offset, String reason, long firstLostSeq) {
        this.file = file;
        this.offset = offset;
        this.reason = reason;
        this.firstLostSeq = firstLostSeq;
    }

    void add(long skippedBytes) {
        bytes += skippedBytes;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Logs what was lost.
     *
     * @param resumedAtSeq the sequence number of the intact entry recovery resumed at; -1 when the damage ran
     *                     to the end of the journal
     */
    void report(long resumedAtSeq) {
        String entries = firstLostSeq >= 0 && resumedAtSeq >= 0 ? Long.toString(resumedAtSeq - firstLostSeq)
                : "an unknown number of";
        LOG.error("Journal: SKIPPED {} damaged entries ({} bytes) in {} from offset {} ({}); what they held is lost,"
                + " recovery resumed at {}", entries, bytes, file, offset, reason,
                resumedAtSeq >= 0 ? "the next intact entry (sequence number " + resumedAtSeq + ")" : "the end");
    }
}
