package io.ferrymq.core.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
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

    /** The executors waiting to be started at the end of this thread's {@link #startingHeld} call, if any. */
    private static final ThreadLocal<List<SerialExecutor>> HELD = new ThreadLocal<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            List<SerialExecutor> held = HELD.get();
            if (held != null) {
                held.add(this);
            } else {
                delegate.execute(drain);
            }
        }
    }

    /**
     * Runs {@code body} with the executors it makes busy started only once it returns ({@link #startTogether}),
     * instead of as each gets its first task: a thread that hands a queue many tasks in a row (the messages of one
     * read from a socket) wakes that queue's pool thread once, rather than being interrupted by it for each task
     * on a busy core. Tasks keep their order; {@code body} must not wait for the tasks it submits. Nested calls
     * start theirs with the outermost.
     */
    public static void startingHeld(Runnable body) {
        if (HELD.get() != null) {
            body.run();
            return;
        }
        List<SerialExecutor> held = new ArrayList<>();
        HELD.set(held);
        try {
            body.run();
        } finally {
            HELD.remove();
            startTogether(held);
        }
    }

    /**
     * Queues {@code task} like {@link #execute}, but if this executor was idle it is not started: the caller
     * must then pass it to {@link #startTogether}. Lets one publish to many queues start all the idle ones in one
     * task of the pool instead of one task each, while each queue's tasks keep their submission order.
     *
     * @return whether this executor was idle and now waits to be started
     */
    public boolean executeHeld(Runnable task) {
        tasks.add(task);
        return pending.getAndIncrement() == 0;
    }

    /**
     * Starts executors that {@link #executeHeld} left waiting: those sharing a pool run one after the other in
     * one task of it (each still a batch of at most its own bounded size, going back to the pool for more).
     */
    public static void startTogether(List<SerialExecutor> held) {
        if (held.isEmpty()) {
            return;
        }
        if (held.size() == 1) {
            SerialExecutor e = held.get(0);
            e.delegate.execute(e.drain);
            return;
        }
        Executor pool = held.get(0).delegate;
        List<SerialExecutor> together = new ArrayList<>(held.size());
        for (SerialExecutor e : held) {
            if (e.delegate == pool) {
                together.add(e);
            } else {
                e.delegate.execute(e.drain);
            }
        }
        pool.execute(() -> {
            for (int i = 0; i < together.size(); i++) {
                together.get(i).drain();
            }
        });
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
                run(next());
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

    /** The next queued task; one is due (pending counts it), though its submitter may not have added it yet. */
    private Runnable next() {
        Runnable task;
        while ((task = tasks.poll()) == null) {
            // A submitter incremented pending but has not enqueued yet: spin until it lands.
            Thread.onSpinWait();
        }
        return task;
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            LOG.error("Task failed on a serial executor; the executor carries on", t);
        }
    }
}
