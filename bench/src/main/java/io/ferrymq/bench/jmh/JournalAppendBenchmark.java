package io.ferrymq.bench.jmh;

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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One durable message into the journal as the core stores it (the message, then its queue reference), waiting
 * for the writer to have it: encoding, the hand-off to the writer thread and the write, without fsync so that
 * the disk does not hide the CPU and allocation cost. Allocation counts both threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JournalAppendBenchmark {

    @Param({"1024"})
    int bodySize;

    private ScratchJournal scratch;
    private byte[] body;
    private long nextId;

    @Setup
    public void setUp() throws IOException {
        scratch = ScratchJournal.open("ferrymq-jmh-journal-", options -> options);
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

    /**
     * What {@link #appendMessage} spends before the journal sees the batch (the message and its records, as
     * the core builds them): its allocation subtracted from {@code appendMessage}'s is the journal's own.
     */
    @Benchmark
    public List<StorageRecord> buildRecordsOnly() {
        return ScratchJournal.durableMessage(++nextId, body);
    }
}
