package io.ferrymq.core.exec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks handed to executors within {@link SerialExecutor#startingHeld} start once it returns, each executor with
 * one task of its pool however many it was given, and in the order they were given.
 */
class SerialExecutorStartingHeldTest {

    /** A pool that keeps what it is handed, to run it when the test says. */
    private static final class ManualPool implements Executor {
        final List<Runnable> submitted = new ArrayList<>();

        @Override
        public void execute(Runnable r) {
            submitted.add(r);
        }

        void runAll() {
            while (!submitted.isEmpty()) {
                submitted.remove(0).run();
            }
        }
    }

    @Test
    void executorsMadeBusyInTheBodyStartOnceAfterIt() {
        ManualPool pool = new ManualPool();
        SerialExecutor a = new SerialExecutor(pool);
        SerialExecutor b = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();

        SerialExecutor.startingHeld(() -> {
            for (int i = 0; i < 100; i++) {
                int n = i;
                a.execute(() -> ran.add("a" + n));
                if (i % 10 == 0) {
                    b.execute(() -> ran.add("b" + n));
                }
            }
            assertThat(pool.submitted).as("nothing started within the body").isEmpty();
        });

        assertThat(pool.submitted).as("one start for both").hasSize(1);
        pool.runAll();
        assertThat(ran.stream().filter(s -> s.startsWith("a")).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "a" + i).toList());
        assertThat(ran.stream().filter(s -> s.startsWith("b")).toList())
                .containsExactly("b0", "b10", "b20", "b30", "b40", "b50", "b60", "b70", "b80", "b90");
    }

    @Test
    void outsideTheBodyAnIdleExecutorStartsAtItsFirstTask() {
        ManualPool pool = new ManualPool();
        SerialExecutor a = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();

        SerialExecutor.startingHeld(() -> a.execute(() -> ran.add("held")));
        pool.runAll();
        a.execute(() -> ran.add("after"));

        assertThat(pool.submitted).hasSize(1);
        pool.runAll();
        assertThat(ran).containsExactly("held", "after");
    }

    @Test
    void aNestedBodyStartsWithTheOutermost() {
        ManualPool pool = new ManualPool();
        SerialExecutor a = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();

        SerialExecutor.startingHeld(() -> {
            SerialExecutor.startingHeld(() -> a.execute(() -> ran.add("inner")));
            assertThat(pool.submitted).as("held until the outer body ends").isEmpty();
            a.execute(() -> ran.add("outer"));
        });

        assertThat(pool.submitted).hasSize(1);
        pool.runAll();
        assertThat(ran).containsExactly("inner", "outer");
    }

    @Test
    void aFailingBodyStillStartsWhatItMadeBusy() {
        ManualPool pool = new ManualPool();
        SerialExecutor a = new SerialExecutor(pool);
        List<String> ran = new ArrayList<>();

        try {
            SerialExecutor.startingHeld(() -> {
                a.execute(() -> ran.add("task"));
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the task given before the failure still runs
        }

        pool.runAll();
        assertThat(ran).containsExactly("task");
    }
}
