package io.ferrymq.core.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the core runs on: a worker pool for queue executors and one timer thread. Sized to
 * the cores; Netty's event loops do the socket I/O separately.
 */
public final class BrokerRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRuntime.class);

    private final Executor workers;
    private final Executor blocking;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Runnable shutdown;

    /**
     * @param workers  runs queue executors: never blocks
     * @param blocking runs work that may block or burn CPU for milliseconds (password hashing, file
     *                 I/O outside the journal), so that neither event loops nor queues wait on it
     */
    public BrokerRuntime(Executor workers, Executor blocking, Scheduler scheduler, Clock clock, Runnable shutdown) {
        this.workers = workers;
        this.blocking = blocking;
        this.scheduler = scheduler;
        this.clock = clock;
        this.shutdown = shutdown;
    }

    /** Threads for a running broker: one worker per core and a daemon timer. */
    public static BrokerRuntime threaded(int workerThreads) {
        ExecutorService pool = Executors.newFixedThreadPool(workerThreads, named("ferrymq-worker"));
        ExecutorService blocking = Executors.newFixedThreadPool(Math.max(2, workerThreads), named("ferrymq-blocking"));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named("ferrymq-timer"));
        timer.setRemoveOnCancelPolicy(true);
        return new BrokerRuntime(pool, blocking, scheduledBy(timer), Clock.SYSTEM, () -> {
            timer.shutdownNow();
            blocking.shutdownNow();
            pool.shutdown();
            try {
                if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Worker threads did not finish within 10 s; interrupting them");
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The same threads with another clock (tests that move time forward past TTLs and retention periods). */
    public BrokerRuntime withClock(Clock other) {
        return new BrokerRuntime(workers, blocking, scheduler, other, shutdown);
    }

    public static Scheduler scheduledBy(ScheduledExecutorService timer) {
        return (task, delay) -> {
            ScheduledFuture<?> f = timer.schedule(task, Math.max(0, delay), TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }

    public Executor workers() { return workers; }
    public Executor blocking() { return blocking; }
    public Scheduler scheduler() { return scheduler; }
    public Clock clock() { return clock; }

    /** A new single-writer executor on the worker pool. */
    public SerialExecutor newSerialExecutor() {
        return new SerialExecutor(workers);
    }

    @Override
    public void close() {
        shutdown.run();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
