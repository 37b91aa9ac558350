package io.ferrymq.core.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: the single writer of one queue's
 * state. No task of the same executor ever runs concurrently with another, so the state it guards
 * needs no lock, while thousands of queues share a pool sized to the cores.
 *
 * <p>Tasks submitted from within a running task are queued behind it rather than run re-entrantly.
 * Over a same-thread delegate (tests) this gives fully deterministic, synchronous execution.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    /** Bounded batches keep one busy queue from monopolising a pool thread. */
    private static final int MAX_BATCH = 256;

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks submitted but not yet finished; the submitter that moves it from 0 schedules the drain. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Thread runner;
    private final Runnable drain = this::drain;

    public SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            delegate.execute(drain);
        }
    }

    /** True when called from a task running on this executor. */
    public boolean inExecutor() {
        return runner == Thread.currentThread();
    }

    private void drain() {
        runner = Thread.currentThread();
        int ran = 0;
        try {
            while (ran < MAX_BATCH) {
                Runnable task = tasks.poll();
                if (task == null) {
                    // A submitter incremented pending but has not enqueued yet: spin until it lands.
                    Thread.onSpinWait();
                    continue;
                }
                try {
                    task.run();
                } catch (Throwable t) {
                    LOG.error("Task failed on a serial executor; the executor carries on", t);
                }
                ran++;
                if (pending.decrementAndGet() == 0) {
                    return;
                }
            }
        } finally {
            runner = null;
        }
        // More work remains: yield the pool thread and come back.
        delegate.execute(drain);
    }
}
