package io.ferrymq.bench.jmh;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.StorageRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The journal benchmarks' fixture: a journal without fsync (so that the disk does not hide the CPU and allocation
 * cost) in a fresh directory that is deleted on close, and the durable message they append.
 */
final class ScratchJournal implements AutoCloseable {

    /** A fresh directory: nothing to recover. */
    private static final RecoveryListener NOTHING_TO_RECOVER = new RecoveryListener() {
        @Override public void begin(boolean cleanShutdown) { }
        @Override public void exchange(ExchangeDefinition exchange) { }
        @Override public void queue(QueueDefinition queue) { }
        @Override public void binding(BindingDefinition binding) { }
        @Override public void state(String namespace, String key, byte[] value) { }
        @Override public void message(Message message) { }
        @Override public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) { }
    };

    private final Path dir;
    private final Journal journal;

    private ScratchJournal(Path dir, Journal journal) {
        this.dir = dir;
        this.journal = journal;
    }

    /** @param options what to change in the defaults (which have fsync off) */
    static ScratchJournal open(String prefix, UnaryOperator<JournalOptions> options) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Journal journal = Journal.open(options.apply(JournalOptions.defaults(dir).withFsync(false)));
        journal.recover(NOTHING_TO_RECOVER);
        return new ScratchJournal(dir, journal);
    }

    Journal journal() {
        return journal;
    }

    /** A durable message as the core stores it: the message with a few properties, then its queue reference. */
    static List<StorageRecord> durableMessage(long id, byte[] body) {
        Message m = Message.builder().id(id).durable(true).address("").routingKey("orders").timestamp(1_765_000_000_000L)
                .property("bench_producer", "3").property("bench_seq", Long.toString(id))
                .property("bench_sent", "987654321012345").body(body).build();
        return List.of(new StorageRecord.AddMessage(m), new StorageRecord.AddReference(1, id, 0));
    }

    @Override
    public void close() throws IOException {
        journal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
