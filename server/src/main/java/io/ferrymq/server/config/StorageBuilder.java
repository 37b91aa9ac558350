package io.ferrymq.server.config;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.paging.PagingService;
import io.ferrymq.core.storage.InMemoryStorage;
import io.ferrymq.core.storage.Storage;
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
        String type = s.type() == null ? "journal" : s.type();
        switch (type) {
            case "memory" -> {
                LOG.warn("Storage is in memory: durable messages and definitions do not survive a restart, and full"
                        + " queues block their producers (there is nowhere to page to)");
                return new Built(new InMemoryStorage(), null, null);
            }
            case "journal" -> {
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
                long pageFile = ByteSize.parse(s.pageFileSize(), "storage.page-file-size");
                if (s.minFree() != null && s.minFree().trim().endsWith("%")) {
                    throw new ConfigException("storage.min-free is a size on disk, like 64MiB, not a percentage");
                }
                long minFree = s.minFree() == null ? 0 : ByteSize.parse(s.minFree(), "storage.min-free");
                try {
                    JournalOptions options = new JournalOptions(dir, segment, !Boolean.FALSE.equals(s.fsync()),
                            TimeUnit.MILLISECONDS.toNanos(delayMillis), threshold / 100.0,
                            Boolean.TRUE.equals(s.skipCorrupt()), null, minFree);
                    LOG.info("Journal in {} (segments of {} MiB, fsync {}, durable messages refused below {} MiB free)",
                            dir, segment / (1024 * 1024), options.fsync() ? "on" : "OFF", minFree / (1024 * 1024));
                    Journal journal = Journal.open(options);
                    return new Built(journal, new PagingService(data.resolve("paging"), pageFile),
                            new StreamStoreOptions(data.resolve("streams"), StreamStoreOptions.DEFAULT_SEGMENT_BYTES,
                                    options.fsync()));
                } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                    throw new ConfigException("storage: " + e.getMessage(), e);
                }
            }
            default -> throw new ConfigException("storage.type must be journal or memory, was '" + type + "'");
        }
    }
}
