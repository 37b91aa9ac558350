package io.ferrymq.core.exec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A publish to many queues starts their idle executors in one task of the pool; each executor still runs its
 * tasks one at a time and in submission order.
 */
class SerialExecutorStartTogetherTest {

    /** A pool that counts the tasks handed to it and runs them on a real thread. */
    private static final class CountingPool implements java.util.concurrent.Executor {
        final AtomicInteger submitted = new AtomicInteger();
        final ExecutorService threads = Executors.newFixedThreadPool(2);

        @Override
        public void execute(Runnable r) {
            submitted.incrementAndGet();
            threads.execute(r);
        }
    }

    @Test
    void idleExecutorsHeldByOnePublishStartInOnePoolTask() throws Exception {
        CountingPool pool = new CountingPool();
        try {
            List<SerialExecutor> executors = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                executors.add(new SerialExecutor(pool));
            }
            CountDownLatch ran = new CountDownLatch(50);
            List<SerialExecutor> idle = new ArrayList<>();
            for (SerialExecutor e : executors) {
                if (e.executeHeld(ran::countDown)) {
                    idle.add(e);
                }
            }
            assertThat(idle).hasSize(50);
            assertThat(pool.submitted.get()).as("nothing starts before startTogether").isZero();

            SerialExecutor.startTogether(idle);

            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.submitted.get()).isEqualTo(1);
        } finally {
            pool.threads.shutdownNow();
        }
    }

    @Test
    void eachExecutorKeepsSubmissionOrderAcrossHeldAndPlainTasks() throws Exception {
        CountingPool pool = new CountingPool();
        try {
            int executors = 8;
            int messages = 2_000;
            List<SerialExecutor> list = new ArrayList<>();
            List<ConcurrentLinkedQueue<Integer>> seen = new ArrayList<>();
            for (int i = 0; i < executors; i++) {
                list.add(new SerialExecutor(pool));
                seen.add(new ConcurrentLinkedQueue<>());
            }
            List<java.util.concurrent.atomic.AtomicBoolean> busy = new ArrayList<>();
            for (int i = 0; i < executors; i++) {
                busy.add(new java.util.concurrent.atomic.AtomicBoolean());
            }
            AtomicInteger overlaps = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(executors * messages);
            for (int m = 0; m < messages; m++) {
                int seq = m;
                List<SerialExecutor> idle = new ArrayList<>();
                for (int i = 0; i < executors; i++) {
                    ConcurrentLinkedQueue<Integer> out = seen.get(i);
                    java.util.concurrent.atomic.AtomicBoolean mine = busy.get(i);
                    Runnable task = () -> {
                        if (!mine.compareAndSet(false, true)) {
                            overlaps.incrementAndGet(); // two tasks of one executor at once
                        }
                        out.add(seq);
                        mine.set(false);
                        done.countDown();
                    };
                    // Every third message goes the plain way, as a publish to a single queue does.
                    if (seq % 3 == 0) {
                        list.get(i).execute(task);
                    } else if (list.get(i).executeHeld(task)) {
                        idle.add(list.get(i));
                    }
                }
                SerialExecutor.startTogether(idle);
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps.get()).isZero();
            for (ConcurrentLinkedQueue<Integer> out : seen) {
                assertThat(new ArrayList<>(out)).isSorted().hasSize(messages);
            }
        } finally {
            pool.threads.shutdownNow();
        }
    }
}
