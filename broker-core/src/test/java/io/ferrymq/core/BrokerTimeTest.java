package io.ferrymq.core;

import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's clock and timer as adapters see them: a manual clock in a test moves the adapters' times too. */
class BrokerTimeTest {

    private TestBroker tb;
    private final List<Runnable> hops = new ArrayList<>();
    /** Counts the tasks handed to it, and runs them at once. */
    private final Executor adapterExecutor = task -> {
        hops.add(task);
        task.run();
    };

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder().startingAt(1_000_000).build();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void theClockIsTheBrokersClock() {
        assertThat(tb.broker().currentTimeMillis()).isEqualTo(1_000_000);

        tb.advance(5_000);

        assertThat(tb.broker().currentTimeMillis()).isEqualTo(1_005_000);
    }

    @Test
    void aDelayCompletesOnTheGivenExecutorOnceItsTimeHasPassed() {
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Void> delay = tb.broker().delay(2_000, adapterExecutor);
        delay.thenRun(ran::incrementAndGet);

        tb.advance(1_999);
        assertThat(delay).isNotDone();

        tb.advance(1);
        assertThat(delay).isCompleted();
        assertThat(ran).hasValue(1);
        assertThat(hops).hasSize(1);
    }

    @Test
    void aCancelledDelayCallsItsTimerOff() {
        CompletableFuture<Void> delay = tb.broker().delay(2_000, adapterExecutor);

        delay.cancel(false);
        tb.advance(10_000);

        assertThat(hops).isEmpty();
    }

    @Test
    void aSerialExecutorRunsTasksInOrder() {
        Executor serial = tb.broker().newSerialExecutor();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            serial.execute(() -> order.add(n));
        }

        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }
}
