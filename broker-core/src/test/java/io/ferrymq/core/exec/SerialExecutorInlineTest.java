package io.ferrymq.core.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SerialExecutor#executeInline}: a thread that hosts inline tasks (an event loop) runs an idle executor's
 * task itself, with no hand-over to the pool; a busy executor, a thread that does not host them, or a thread
 * already inside a task hands it to the pool; and the executor stays a single writer that keeps submission order.
 */
class SerialExecutorInlineTest {

    /** A pool that counts the tasks handed to it and runs them on its own threads. */
    private static final class CountingPool implements java.util.concurrent.Executor {
        final AtomicInteger submitted = new AtomicInteger();
        final ExecutorService threads = Executors.newFixedThreadPool(2, r -> new Thread(r, "pool"));

        @Override
        public void execute(Runnable r) {
            submitted.incrementAndGet();
            threads.execute(r);
        }
    }

    private final CountingPool pool = new CountingPool();
    private final ThreadFactory hosts = SerialExecutor.hostingInlineTasks(r -> new Thread(r, "host"));

    @AfterEach
    void stopPool() {
        pool.threads.shutdownNow();
    }

    /** Runs {@code body} on a new thread that hosts inline tasks and waits for it. */
    private void onHost(Runnable body) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        hosts.newThread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        }).start();
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anIdleExecutorRunsTheTaskOnTheHostThreadBeforeReturning() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        List<String> ranOn = new ArrayList<>();

        onHost(() -> {
            executor.executeInline(() -> ranOn.add(Thread.currentThread().getName()));
            assertThat(ranOn).containsExactly("host");
        });

        assertThat(pool.submitted.get()).isZero();
    }

    @Test
    void aThreadThatDoesNotHostInlineTasksHandsTheTaskToThePool() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        CompletableFuture<String> ranOn = new CompletableFuture<>();

        executor.executeInline(() -> ranOn.complete(Thread.currentThread().getName()));

        assertThat(ranOn.get(30, TimeUnit.SECONDS)).isEqualTo("pool");
        assertThat(pool.submitted.get()).isEqualTo(1);
    }

    @Test
    void aBusyExecutorQueuesTheTaskForThePoolBehindTheRunningOne() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> secondRanOn = new CompletableFuture<>();
        executor.execute(() -> {
            running.countDown();
            await(release);
            order.add("first");
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

        onHost(() -> executor.executeInline(() -> {
            order.add("second");
            secondRanOn.complete(Thread.currentThread().getName());
        }));
        assertThat(order).as("the host did not wait for, nor overtake, the running task").isEmpty();
        release.countDown();

        assertThat(secondRanOn.get(30, TimeUnit.SECONDS)).isEqualTo("pool");
        assertThat(order).containsExactly("first", "second");
    }

    @Test
    void aTaskRunningInlineNeverRunsAnotherExecutorsTaskNestedInIt() throws Exception {
        SerialExecutor a = new SerialExecutor(pool);
        SerialExecutor b = new SerialExecutor(pool);
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> bRanOn = new CompletableFuture<>();

        onHost(() -> a.executeInline(() -> {
            order.add("a starts");
            b.executeInline(() -> {
                order.add("b");
                bRanOn.complete(Thread.currentThread().getName());
            });
            a.executeInline(() -> order.add("a again"));
            order.add("a ends");
        }));

        assertThat(bRanOn.get(30, TimeUnit.SECONDS)).isEqualTo("pool");
        List<String> onA = order.stream().filter(s -> s.startsWith("a")).toList();
        assertThat(onA).as("a's second task runs after its first, not inside it")
                .containsExactly("a starts", "a ends", "a again");
        assertThat(order.indexOf("b")).isGreaterThan(order.indexOf("a starts"));
    }

    @Test
    void anInlineRunTakesABoundedNumberOfQueuedTasksAndLeavesTheRestToThePool() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        int queued = 40;
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger onHost = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(queued + 1);

        onHost(() -> executor.executeInline(() -> {
            for (int i = 1; i <= queued; i++) {
                int n = i;
                executor.execute(() -> {
                    if (Thread.currentThread().getName().equals("host")) {
                        onHost.incrementAndGet();
                    }
                    order.add(n);
                    all.countDown();
                });
            }
            order.add(0);
            all.countDown();
        }));

        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(onHost.get()).as("queued tasks the inline run took").isEqualTo(SerialExecutor.MAX_INLINE - 1);
        assertThat(order).hasSize(queued + 1).isSorted();
    }

    @Test
    void tasksFromManyHostThreadsRunOneAtATimeInEachSubmittersOrder() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        int producers = 4;
        int perProducer = 20_000;
        AtomicInteger active = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] lastSeen = new int[producers];
        java.util.Arrays.fill(lastSeen, -1);
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicInteger inline = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(producers * perProducer);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(hosts.newThread(() -> {
                await(start);
                for (int i = 0; i < perProducer; i++) {
                    int seq = i;
                    executor.executeInline(() -> {
                        if (active.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        // Plain (unsynchronised) state: the executor is its only writer.
                        if (lastSeen[producer] != seq - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[producer] = seq;
                        if (Thread.currentThread().getName().equals("host")) {
                            inline.incrementAndGet();
                        }
                        active.decrementAndGet();
                        done.countDown();
                    });
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();

        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(overlaps.get()).as("tasks that ran while another ran").isZero();
        assertThat(outOfOrder.get()).as("tasks that ran out of their submitter's order").isZero();
        CompletableFuture<int[]> seen = new CompletableFuture<>();
        executor.execute(() -> seen.complete(lastSeen.clone()));
        assertThat(seen.get(30, TimeUnit.SECONDS)).containsOnly(perProducer - 1);
        assertThat(inline.get()).as("some tasks ran inline").isPositive();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
