package io.ferrymq.bench.journal;

import io.ferrymq.bench.stats.LatencyRecorder;
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
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Durable messages per second through FerryMQ's journal ({@link Journal}, used in-process, exactly as the
 * broker uses it), next to the raw fsync rate of the same disk.
 *
 * <p>Each step opens a fresh journal (default options: fsync on, group commit), creates one queue, and
 * runs N producer threads. A producer appends what the broker appends for a persistent SEND to one durable
 * queue (the message and its reference, as one batch) and waits for the returned future, i.e. for the
 * confirmation the broker would turn into a RECEIPT, before it sends the next. Messages and fsyncs are
 * counted inside the measured window; fsyncs come from the journal's own counter.
 */
public final class JournalBench {

    private static final long QUEUE_ID = 1;

    private final JournalBenchSpec spec;
    private final Consumer<String> progress;

    private final long segmentSize;

    public JournalBench(JournalBenchSpec spec, Consumer<String> progress) {
        this(spec, progress, JournalOptions.DEFAULT_SEGMENT_SIZE);
    }

    /** With another segment size than the broker's default: small ones keep the unit test fast. */
    JournalBench(JournalBenchSpec spec, Consumer<String> progress, long segmentSize) {
        this.spec = spec;
        this.progress = progress;
        this.segmentSize = segmentSize;
    }

    public JournalBenchResult run() throws IOException, InterruptedException {
        Files.createDirectories(spec.directory());
        String fs = describe(spec.directory());
        List<FsyncRate> raw = new ArrayList<>();
        List<ProducerRun> runs = new ArrayList<>();
        // Rounds alternate the raw probe and the journal steps, so that a slow spell of a shared disk hits
        // both sides rather than one; the report takes medians.
        for (int round = 1; round <= spec.rounds(); round++) {
            for (FsyncProbe.Mode mode : FsyncProbe.Mode.values()) {
                progress.accept("round " + round + ": raw fsync, " + mode.description() + "...");
                raw.add(FsyncProbe.measure(spec.directory(), mode, round, spec.probeRecordSize(), spec.warmup(),
                        spec.duration()));
            }
            for (int producers : spec.producers()) {
                progress.accept("round " + round + ": " + producers + " producer(s)...");
                runs.add(runStep(round, producers));
            }
        }
        return new JournalBenchResult(spec, fs, raw, runs);
    }

    ProducerRun runStep(int round, int producers) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(spec.directory(), "journal-" + producers + "p-");
        JournalOptions options = JournalOptions.defaults(dir).withSegmentSize(segmentSize).withFsync(spec.fsync())
                .withCommitDelayNanos(spec.commitDelayNanos());
        Journal journal = Journal.open(options);
        try {
            journal.recover(NO_RECOVERY);
            journal.append(new StorageRecord.CreateQueue(new QueueDefinition(QUEUE_ID, "/", "bench", false, Map.of())))
                    .join();
            byte[] body = new byte[spec.messageSize()];
            ThreadLocalRandom.current().nextBytes(body);

            AtomicLong ids = new AtomicLong();
            LongAdder confirmed = new LongAdder();
            LatencyRecorder latency = new LatencyRecorder();
            // 0: warm-up, 1: measured, 2: stop
            AtomicInteger phase = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                Thread t = new Thread(() -> {
                    try {
                        while (phase.get() != 2) {
                            long id = ids.incrementAndGet();
                            Message m = Message.builder().id(id).durable(true).address("bench").routingKey("bench")
                                    .messageId("bench-" + id).body(body).build();
                            long t0 = System.nanoTime();
                            journal.append(List.of(new StorageRecord.AddMessage(m),
                                    new StorageRecord.AddReference(QUEUE_ID, id, 0))).join();
                            long took = System.nanoTime() - t0;
                            confirmed.increment();
                            if (phase.get() == 1) {
                                latency.recordNanos(took);
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        phase.set(2);
                    }
                }, "journal-bench-producer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            Thread.sleep(spec.warmup().toMillis());
            long m0 = confirmed.sum();
            Journal.Stats s0 = journal.stats();
            long t0 = System.nanoTime();
            phase.set(1);
            latency.takeInterval(); // drop warm-up samples
            Thread.sleep(spec.duration().toMillis());
            long m1 = confirmed.sum();
            Journal.Stats s1 = journal.stats();
            long t1 = System.nanoTime();
            phase.set(2);
            for (Thread t : threads) {
                t.join(30_000);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a producer failed: " + failure.get(), failure.get());
            }
            latency.takeInterval();
            return new ProducerRun(round, producers, m1 - m0, s1.fsyncs() - s0.fsyncs(), s1.bytesWritten() - s0.bytesWritten(),
                    (t1 - t0) / 1e9, latency.total());
        } finally {
            journal.close();
            deleteTree(dir);
        }
    }

    /** "ext4 on /dev/vda", or what is known of the file system holding {@code dir}. */
    static String describe(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return store.type() + " on " + store.name();
        } catch (IOException e) {
            return "unknown file system";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static final RecoveryListener NO_RECOVERY = new RecoveryListener() {
        @Override
        public void begin(boolean cleanShutdown) {
        }

        @Override
        public void exchange(ExchangeDefinition exchange) {
        }

        @Override
        public void queue(QueueDefinition queue) {
        }

        @Override
        public void binding(BindingDefinition binding) {
        }

        @Override
        public void state(String namespace, String key, byte[] value) {
        }

        @Override
        public void message(Message message) {
        }

        @Override
        public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) {
        }
    };
}
