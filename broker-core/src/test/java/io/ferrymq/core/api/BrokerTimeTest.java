package io.ferrymq.core.api;

import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's clock and executors as adapters see them: a manual clock in a test moves the adapters' times too. */
class BrokerTimeTest {

    private TestBroker tb;

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
