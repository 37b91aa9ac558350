package io.ferrymq.core.stream;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one thread that changes streams: it routes and writes appends, and runs definition changes (create,
 * split, delete) in queue order with them, so no lock is needed between routing and a split. Appends queued
 * while it was busy are written together and each touched log is forced once (group commit); an append's
 * future completes when its records are on disk.
 */
final class StreamWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamWriter.class);
    private static final int MAX_BATCH = 4096;

    /** Writes to logs (adding each one it writes to {@code touched}); its result waits for their force. */
    @FunctionalInterface
    interface Write<T> {
        T write(Set<SegmentLog> touched) throws IOException;
    }

    private sealed interface Task permits Append, Job, Stop { }

    private record Append(Write<Object> work, CompletableFuture<Object> done) implements Task { }

    private record Job(Callable<Object> work, CompletableFuture<Object> done) implements Task { }

    private record Stop() implements Task { }

    /** A result waiting for the force of the logs written in this batch. */
    private record Written(CompletableFuture<Object> done, Object result) { }

    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    /** Started on the first task: a broker that holds no stream runs no writer thread. */
    private Thread thread;
    private volatile boolean stopped;

    /** Runs a write; completes with its result once the logs it wrote are on disk. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> append(Write<T> work) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        submit(new Append((Write<Object>) work, done), done);
        return (CompletableFuture<T>) done;
    }

    /** Runs a change after every write queued before it is on disk. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> run(Callable<T> work) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        submit(new Job((Callable<Object>) work, done), done);
        return (CompletableFuture<T>) done;
    }

    private synchronized void submit(Task t, CompletableFuture<?> done) {
        if (stopped) {
            done.completeExceptionally(stopping());
            return;
        }
        if (thread == null) {
            thread = new Thread(this::run, "ferrymq-stream-writer");
            thread.setDaemon(true);
            thread.start();
        }
        queue.add(t);
    }

    private void run() {
        List<Task> batch = new ArrayList<>();
        Set<SegmentLog> touched = new LinkedHashSet<>();
        List<Written> waiting = new ArrayList<>();
        boolean running = true;
        while (running) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH);
            for (Task t : batch) {
                if (t instanceof Append a) {
                    try {
                        waiting.add(new Written(a.done(), a.work().write(touched)));
                    } catch (Exception | Error e) {
                        a.done().completeExceptionally(failure(e));
                    }
                } else if (t instanceof Job j) {
                    flush(touched, waiting);
                    try {
                        j.done().complete(j.work().call());
                    } catch (Exception | Error e) {
                        j.done().completeExceptionally(failure(e));
                    }
                } else {
                    running = false;
                }
            }
            batch.clear();
            flush(touched, waiting);
        }
        for (Task t : queue) {
            if (t instanceof Append a) {
                a.done().completeExceptionally(stopping());
            } else if (t instanceof Job j) {
                j.done().completeExceptionally(stopping());
            }
        }
    }

    private static void flush(Set<SegmentLog> touched, List<Written> waiting) {
        try {
            for (SegmentLog log : touched) {
                log.force();
            }
            waiting.forEach(w -> w.done().complete(w.result()));
        } catch (IOException | RuntimeException e) {
            LOG.error("Could not force stream logs: {}", e.toString());
            waiting.forEach(w -> w.done().completeExceptionally(failure(e)));
        }
        touched.clear();
        waiting.clear();
    }

    private static BrokerException stopping() {
        return new BrokerException(ErrorCode.UNAVAILABLE, "the broker is stopping");
    }

    private static BrokerException failure(Throwable e) {
        if (e instanceof BrokerException be) {
            return be;
        }
        LOG.error("Stream storage failed", e);
        return new BrokerException(ErrorCode.INTERNAL, "stream storage failed: " + e, e);
    }

    /** Finishes what is queued, then stops the thread. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            queue.add(new Stop());
            running = thread;
        }
        if (running == null) {
            return;
        }
        try {
            running.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
