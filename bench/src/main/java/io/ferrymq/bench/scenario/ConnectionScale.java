package io.ferrymq.bench.scenario;

import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.IdleLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The connection-scale scenario: opens {@code count} idle, authenticated connections (at most
 * {@code concurrency} handshakes at a time), times it, and reads the broker's RSS before and after.
 * The client needs one file descriptor per connection, as does the broker: raise {@code ulimit -n}.
 */
public final class ConnectionScale {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionScale.class);

    private final Driver driver;
    private final DriverErrors errors;

    public ConnectionScale(Driver driver, DriverErrors errors) {
        this.driver = driver;
        this.errors = errors;
    }

    /**
     * @param brokerPid the broker's process, to read its memory; empty to skip that
     * @param hold      how long to keep every connection open before reading memory again
     * @param progress  told the number of connections made so far, about every 1000
     */
    public ConnectionScaleResult run(int count, int concurrency, OptionalLong brokerPid, Duration hold,
                                     IntConsumer progress) throws IOException, InterruptedException {
        long before = brokerPid.isPresent() ? ProcessMemory.rssKiB(brokerPid.getAsLong()) : -1;
        Queue<IdleLink> open = new ConcurrentLinkedQueue<>();
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Semaphore handshakes = new Semaphore(concurrency);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                handshakes.acquire();
                driver.connectIdle().whenComplete((link, e) -> {
                    handshakes.release();
                    if (e != null) {
                        if (failed.incrementAndGet() <= 3) {
                            errors.report("connect failed: " + e);
                        }
                        return;
                    }
                    open.add(link);
                    int n = connected.incrementAndGet();
                    if (n % 1000 == 0) {
                        progress.accept(n);
                    }
                });
            }
            if (!handshakes.tryAcquire(concurrency, 120, TimeUnit.SECONDS)) {
                errors.report("handshakes still pending after 120 s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            LOG.info("{} of {} connected in {} s; holding for {}", connected.get(), count, seconds, hold);
            Thread.sleep(hold.toMillis());
            long after = brokerPid.isPresent() ? ProcessMemory.rssKiB(brokerPid.getAsLong()) : -1;
            int ok = connected.get();
            long perConnection = before >= 0 && ok > 0 ? (after - before) * 1024 / ok : -1;
            return new ConnectionScaleResult(count, ok, failed.get(), seconds, ok / seconds, before, after,
                    perConnection, List.copyOf(errors.firstFew()));
        } finally {
            for (IdleLink l; (l = open.poll()) != null; ) {
                try {
                    l.close();
                } catch (RuntimeException e) {
                    LOG.debug("Closing an idle connection failed", e);
                }
            }
        }
    }
}
