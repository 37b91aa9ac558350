package io.ferrymq.bench.jmh;

import io.ferrymq.core.atrest.AtRestKey;
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
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

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

    private ScratchJournal scratch;
    private byte[] body;
    private long nextId;

    @Setup
    public void setUp() throws IOException {
        byte[] key = new byte[AtRestKey.KEY_BYTES];
        Arrays.fill(key, (byte) 7);
        boolean encrypted = storage.equals("encrypted");
        scratch = ScratchJournal.open("ferrymq-jmh-atrest-",
                options -> encrypted ? options.withEncryption(AtRestKey.of(key)) : options);
        body = new byte[bodySize];
        Arrays.fill(body, (byte) 'x');
    }

    @TearDown
    public void tearDown() throws IOException {
        scratch.close();
    }

    @Benchmark
    public void appendMessage() {
        scratch.journal().append(ScratchJournal.durableMessage(++nextId, body)).join();
    }
}
