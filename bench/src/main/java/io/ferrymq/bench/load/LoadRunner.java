package io.ferrymq.bench.load;

import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.ProducerSpec;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.LatencyRecorder;
import io.ferrymq.bench.stats.Throughput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link LoadSpec} through a {@link Driver}: subscribes every consumer, connects every producer,
 * sends through warm-up and the measured window, then stops the producers and drains, and reports.
 */
public final class LoadRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LoadRunner.class);

    private final Driver driver;
    private final DriverErrors errors;
    private final LoadSpec spec;
    private final long progressMillis;

    /** @param progressMillis how often the progress listener hears from the run */
    public LoadRunner(Driver driver, DriverErrors errors, LoadSpec spec, long progressMillis) {
        this.driver = driver;
        this.errors = errors;
        this.spec = spec;
        this.progressMillis = progressMillis;
    }

    public RunResult run(ProgressListener progress) throws Exception {
        String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        String base = spec.destinationName() + "-" + runId;
        Counters counters = new Counters();
        LatencyRecorder latency = new LatencyRecorder();
        LatencyRecorder confirmLatency = new LatencyRecorder();
        byte[] body = new byte[spec.messageSize()];
        Arrays.fill(body, (byte) 'x');

        List<ConsumerLink> consumerLinks = new ArrayList<>();
        List<ProducerLink> producerLinks = new ArrayList<>();
        List<ConsumerProbe> probes = new ArrayList<>();
        List<ProducerLoop> loops = new ArrayList<>();
        // The window is fixed once everything is connected; probes read it through this holder.
        WindowHolder window = new WindowHolder();
        try {
            for (int j = 0; j < spec.consumers(); j++) {
                ConsumerProbe probe = new ConsumerProbe(window, counters, latency);
                probes.add(probe);
                consumerLinks.add(driver.openConsumer(new ConsumerSpec(j, spec.kind(),
                        base + "." + spec.destinationOfConsumer(j), spec.ackMode(), spec.prefetch(), spec.ackEvery()), probe));
            }
            for (int k = 0; k < spec.producers(); k++) {
                producerLinks.add(driver.openProducer(new ProducerSpec(k, spec.kind(), base + "." + spec.destinationOfProducer(k))));
            }
            LOG.info("Run {}: {} consumer(s) subscribed, {} producer(s) connected", runId, consumerLinks.size(),
                    producerLinks.size());

            long start = System.nanoTime();
            long measureStart = start + spec.warmup().toNanos();
            window.set(new MeasurementWindow(measureStart, measureStart + spec.duration().toNanos()));
            List<Thread> threads = new ArrayList<>();
            double perProducer = spec.rate() / spec.producers();
            for (int k = 0; k < spec.producers(); k++) {
                ProducerLoop loop = new ProducerLoop(k, producerLinks.get(k), body, spec.persistent(),
                        Pacer.atRate(perProducer), new ConfirmWindow(spec.confirmWindow()), window, counters,
                        confirmLatency, errors);
                loops.add(loop);
                Thread t = new Thread(loop, "bench-producer-" + k);
                t.setDaemon(true);
                threads.add(t);
            }
            threads.forEach(Thread::start);

            ProgressTicker ticker = new ProgressTicker(start, counters, latency, progress);
            long end = window.get().endNanos();
            while (System.nanoTime() < end) {
                long wait = Math.min(progressMillis, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
                Thread.sleep(Math.max(1, wait));
                ticker.tick(System.nanoTime() < measureStart ? Phase.WARMUP : Phase.MEASURE);
            }
            loops.forEach(ProducerLoop::stop);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }

            long drainDeadline = System.nanoTime() + spec.drainTimeout().toNanos();
            long unconfirmed = awaitConfirmations(loops, drainDeadline);
            Map<Integer, Long> sentByProducer = new HashMap<>();
            Map<Integer, BitSet> confirmedByProducer = new HashMap<>();
            for (int k = 0; k < loops.size(); k++) {
                sentByProducer.put(k, loops.get(k).sent());
                confirmedByProducer.put(k, loops.get(k).confirmed());
            }
            Topology topology = new Topology(spec);
            long expected = topology.expectedDeliveries(sentByProducer);
            awaitDeliveries(counters, expected, drainDeadline, ticker);

            Integrity integrity = topology.audit(probes.stream().map(ConsumerProbe::tracker).toList(), sentByProducer,
                    confirmedByProducer);
            MeasurementWindow w = window.get();
            return new RunResult(spec, runId, w.seconds(),
                    Throughput.of(counters.sentInWindow.sum(), spec.messageSize(), w.seconds()),
                    Throughput.of(counters.receivedInWindow.sum(), spec.messageSize(), w.seconds()),
                    latency.total(), confirmLatency.total(), counters.confirmed.sum(), counters.confirmFailures.sum(),
                    unconfirmed, integrity, errors.count(), errors.firstFew());
        } finally {
            loops.forEach(ProducerLoop::stop);
            producerLinks.forEach(LoadRunner::closeQuietly);
            consumerLinks.forEach(LoadRunner::closeQuietly);
        }
    }

    private static long awaitConfirmations(List<ProducerLoop> loops, long deadline) throws InterruptedException {
        long unconfirmed = 0;
        for (ProducerLoop loop : loops) {
            long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (!loop.window().awaitAllConfirmed(left)) {
                unconfirmed += loop.window().outstanding();
            }
        }
        return unconfirmed;
    }

    /** Waits until every expected delivery arrived or the deadline passed. */
    private void awaitDeliveries(Counters counters, long expected, long deadline, ProgressTicker ticker) throws InterruptedException {
        if (spec.consumers() == 0) {
            return;
        }
        long lastTick = System.nanoTime();
        while (counters.received.sum() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
            if (System.nanoTime() - lastTick >= TimeUnit.MILLISECONDS.toNanos(progressMillis)) {
                ticker.tick(Phase.DRAIN);
                lastTick = System.nanoTime();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("Closing {} failed", c, e);
        }
    }
}
