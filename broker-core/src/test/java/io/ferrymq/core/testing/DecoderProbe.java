package io.ferrymq.core.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one decoder try for a fuzz property on a thread of its own, so that a decoder that never returns
 * fails the property instead of hanging the build, and measures what the try allocated, so that a decoder
 * that sizes a buffer from a length field it has not checked (a 2 GiB {@code content-length} in a 40-byte
 * frame) fails before it runs the test JVM out of memory.
 */
public final class DecoderProbe implements AutoCloseable {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final int WARM_UP_RUNS = 50;

    /**
     * Netty's leak detection at the advanced or paranoid level (the {@code leak} profile) records a stack trace
     * for buffers as they are used, which is the detector's allocation, not the decoder's: the bound is then not
     * checked, and those runs look for leaks instead.
     */
    private static final boolean LEAK_RECORDS = java.util.Set.of("advanced", "paranoid")
            .contains(System.getProperty("io.netty.leakDetection.level", "").toLowerCase(java.util.Locale.ROOT));

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "decoder-probe");
        t.setDaemon(true);
        return t;
    });
    private final Duration timeout;
    /** Tries run so far: the first ones load and link classes on the probe thread, which counts as allocation. */
    private int runs;

    public DecoderProbe(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The allocation a try on {@code inputLength} bytes may make: a few times what arrived (frames, strings,
     * buffers) and a constant for the first tries' class loading, never a buffer sized by a length field.
     */
    public static long proportionalTo(int inputLength) {
        return 64L * inputLength + 4 * 1024 * 1024;
    }

    /** A decoder step; whatever it throws is the decoder's answer and goes back to the property. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /**
     * Runs {@code step}; fails when it takes longer than the timeout or allocates more than
     * {@code maxAllocatedBytes} (after the first few runs, which load classes). An exception thrown by the step is rethrown as it is (checked ones
     * wrapped in {@link java.lang.reflect.UndeclaredThrowableException}) for the property to judge.
     */
    public void run(String what, long maxAllocatedBytes, Step step) {
        Future<Long> f = thread.submit(() -> {
            long tid = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(tid);
            step.run();
            return THREADS.getThreadAllocatedBytes(tid) - before;
        });
        long allocated;
        try {
            allocated = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("decoder did not return within " + timeout + " on " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new java.lang.reflect.UndeclaredThrowableException(cause);
        }
        if (++runs > WARM_UP_RUNS && !LEAK_RECORDS && allocated > maxAllocatedBytes) {
            throw new AssertionError("decoder allocated " + allocated + " bytes (limit " + maxAllocatedBytes + ") on "
                    + what);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
