package io.ferrymq.server.config;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.core.paging.PageReplicator;
import io.ferrymq.core.paging.PagingService;
import io.ferrymq.core.storage.InMemoryStorage;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.stream.StreamReplicator;
import io.ferrymq.core.stream.StreamStoreOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Builds the storage (and, with a journal, the page files) from the {@code storage} section. */
public final class StorageBuilder {

    /**
     * Where durable state goes, where queues page to (null: producers are blocked instead) and where stream
     * logs are kept (null: a temporary directory).
     */
    public record Built(Storage storage, PagingService paging, StreamStoreOptions streams) {
        public void closeAll() {
            if (paging != null) {
                paging.close();
            }
            storage.close();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(StorageBuilder.class);

    private StorageBuilder() {
    }

    public static Built build(FerryConfig.Storage s) {
        return build(s, null);
    }

    /**
     * @param replicator receives every journal entry (an HA pair's active); null for none. When it is also a
     *                   {@link PageReplicator} it receives every page file change too; otherwise queues do not page
     */
    public static Built build(FerryConfig.Storage s, Replicator replicator) {
        String type = s.type() == null ? "journal" : s.type();
        switch (type) {
            case "memory" -> {
                LOG.warn("Storage is in memory: durable messages and definitions do not survive a restart, and full"
                        + " queues block their producers (there is nowhere to page to)");
                return new Built(new InMemoryStorage(), null, null);
            }
            case "journal" -> {
                JournalOptions options = journalOptions(s).withReplicator(replicator);
                long pageFile = ByteSize.parse(s.pageFileSize(), "storage.page-file-size");
                try {
                    LOG.info("Journal in {} (segments of {} MiB, fsync {}, durable messages refused below {} MiB free)",
                            options.directory(), options.segmentSize() / (1024 * 1024), options.fsync() ? "on" : "OFF",
                            options.minFree() / (1024 * 1024));
                    if (options.encryption() != null) {
                        LOG.info("Encryption at rest: the journal, page files and stream logs are written with AES-256-GCM,"
                                + " key id {}",
                                options.encryption().idText());
                    }
                    Journal journal = Journal.open(options);
                    Path data = options.directory().getParent();
                    // An HA pair's replicator ships the stream logs too (they are not in the journal).
                    StreamStoreOptions streams = new StreamStoreOptions(data.resolve("streams"),
                            StreamStoreOptions.DEFAULT_SEGMENT_BYTES, options.fsync(),
                            replicator instanceof StreamReplicator sr ? sr : null, options.encryption());
                    if (replicator instanceof PageReplicator pages) {
                        // An HA pair's active ships its page files beside the journal: a paged message is
                        // confirmed once on both nodes' disks.
                        return new Built(journal, new PagingService(data.resolve("paging"), pageFile, pages,
                                options.encryption()), streams);
                    }
                    if (replicator != null) {
                        // Only the journal reaches the standby: a message in a page file would be lost on failover.
                        LOG.info("HA pair member: queues do not page to disk (page files are not replicated); past the"
                                + " memory limit producers are held back instead");
                        return new Built(journal, null, streams);
                    }
                    return new Built(journal, new PagingService(data.resolve("paging"), pageFile, null,
                            options.encryption()), streams);
                } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                    throw new ConfigException("storage: " + e.getMessage(), e);
                }
            }
            default -> throw new ConfigException("storage.type must be journal or memory, was '" + type + "'");
        }
    }

    /** The journal's settings (in {@code data-dir/journal}), without opening it. */
    public static JournalOptions journalOptions(FerryConfig.Storage s) {
        String type = s.type() == null ? "journal" : s.type();
        if (!type.equals("journal")) {
            throw new ConfigException("storage.type must be journal here, was '" + type + "'");
        }
        if (s.dataDir() == null || s.dataDir().isBlank()) {
            throw new ConfigException("storage.data-dir is empty");
        }
        long segment = ByteSize.parse(s.segmentSize(), "storage.segment-size");
        long delayMillis = DurationText.millis(s.commitDelay(), "storage.commit-delay");
        int threshold = s.compactThreshold() == null ? 30 : s.compactThreshold();
        if (threshold < 0 || threshold > 100) {
            throw new ConfigException("storage.compact-threshold is a percentage: 0 to 100");
        }
        Path data = Path.of(s.dataDir()).toAbsolutePath().normalize();
        Path dir = data.resolve("journal");
        if (s.minFree() != null && s.minFree().trim().endsWith("%")) {
            throw new ConfigException("storage.min-free is a size on disk, like 64MiB, not a percentage");
        }
        long minFree = s.minFree() == null ? 0 : ByteSize.parse(s.minFree(), "storage.min-free");
        AtRestKey key = encryptionKey(s);
        try {
            return new JournalOptions(dir, segment, !Boolean.FALSE.equals(s.fsync()),
                    TimeUnit.MILLISECONDS.toNanos(delayMillis), threshold / 100.0,
                    Boolean.TRUE.equals(s.skipCorrupt()), null, minFree, key);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("storage: " + e.getMessage(), e);
        }
    }

    /** The at-rest key of {@code storage.encryption}, null when it is not set. */
    static AtRestKey encryptionKey(FerryConfig.Storage s) {
        if (s.encryption() == null || s.encryption().keyFile() == null || s.encryption().keyFile().isBlank()) {
            return null;
        }
        Path file = Path.of(s.encryption().keyFile()).toAbsolutePath().normalize();
        try {
            return AtRestKey.load(file);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ConfigException("storage.encryption.key-file: " + e.getMessage(), e);
        }
    }
}
