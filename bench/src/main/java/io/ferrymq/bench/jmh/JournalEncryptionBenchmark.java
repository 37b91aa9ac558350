package io.ferrymq.bench.jmh;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.StorageRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cost of encryption at rest: {@link JournalAppendBenchmark}'s durable message (message record plus queue
 * reference, no fsync) into a plain journal and into one with storage.encryption (AES-256-GCM), side by side.
 * Run with {@code -prof gc} to see that encryption adds no allocation per entry beyond the GCM nonce's spec.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JournalEncryptionBenchmark {

    @Param({"1024", "16384"})
    int bodySize;

    @Param({"plain", "encrypted"})
    String storage;

    private static final RecoveryListener NOTHING_TO_RECOVER = new RecoveryListener() {
        @Override public void begin(boolean cleanShutdown) { }
        @Override public void exchange(ExchangeDefinition exchange) { }
        @Override public void queue(QueueDefinition queue) { }
        @Override public void binding(BindingDefinition binding) { }
        @Override public void state(String namespace, String key, byte[] value) { }
        @Override public void message(Message message) { }
        @Override public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) { }
    };

    private Path dir;
    private Journal journal;
    private byte[] body;
    private long nextId;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ferrymq-jmh-atrest-");
        byte[] key = new byte[AtRestKey.KEY_BYTES];
        Arrays.fill(key, (byte) 7);
        JournalOptions options = JournalOptions.defaults(dir).withFsync(false);
        if (storage.equals("encrypted")) {
            options = options.withEncryption(AtRestKey.of(key));
        }
        journal = Journal.open(options);
        journal.recover(NOTHING_TO_RECOVER);
        body = new byte[bodySize];
        Arrays.fill(body, (byte) 'x');
    }

    @TearDown
    public void tearDown() throws IOException {
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

    @Benchmark
    public void appendMessage() {
        long id = ++nextId;
        Message m = Message.builder().id(id).durable(true).address("").routingKey("orders").timestamp(1_765_000_000_000L)
                .property("bench_producer", "3").property("bench_seq", Long.toString(id))
                .property("bench_sent", "987654321012345").body(body).build();
        journal.append(List.of(new StorageRecord.AddMessage(m), new StorageRecord.AddReference(1, id, 0))).join();
    }
}
