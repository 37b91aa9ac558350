package io.ferrymq.core.memory;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.SendResult;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Past the broker's memory limit, producers' sends stay unconfirmed (so adapters stop reading from them)
 * until consumers have acknowledged enough to bring usage back under the limit.
 */
class MemoryLimitBackPressureTest {

    private static final long SIZE = TestBroker.text("m0").estimatedSize();

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder().memoryLimit(SIZE * 3).build();
        sink = new RecordingSink();
        s = tb.session(sink);
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private CompletableFuture<SendResult> send(String body) {
        return s.send(Route.queue("q"), TestBroker.text(body), null);
    }

    @Test
    void sendsUnderTheLimitCompleteAtOnce() {
        assertThat(send("m1")).isCompleted();
        assertThat(send("m2")).isCompleted();
        assertThat(tb.broker().memory().used()).isEqualTo(2 * SIZE);
    }

    @Test
    void onceTheLimitIsReachedSendsWaitUntilConsumersAcknowledge() {
        send("m1").join();
        send("m2").join();
        CompletableFuture<SendResult> third = send("m3");
        CompletableFuture<SendResult> fourth = send("m4");

        assertThat(third).as("this one reached the limit").isNotDone();
        assertThat(fourth).isNotDone();
        assertThat(tb.stats("q").ready()).as("the messages were taken").isEqualTo(4);

        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        assertThat(third).as("delivered but not acknowledged: still in memory").isNotDone();

        s.settle(sink.find("m1"), Outcome.ACCEPT, null).join();
        assertThat(third).as("4 held, limit 3").isNotDone();
        s.settle(sink.find("m2"), Outcome.ACCEPT, null).join();

        assertThat(third).isCompleted();
        assertThat(fourth).isCompleted();
        assertThat(tb.broker().memory().used()).isEqualTo(2 * SIZE);
    }

    @Test
    void aMessageInSeveralQueuesCountsOnceAndIsFreedByItsLastQueue() {
        s.admin().declareQueue(QueueDeclaration.durable("a")).join();
        s.admin().declareQueue(QueueDeclaration.durable("b")).join();
        s.admin().bind(BindingDeclaration.queue("amq.fanout", "a", "")).join();
        s.admin().bind(BindingDeclaration.queue("amq.fanout", "b", "")).join();

        s.send(Route.exchange("amq.fanout", ""), TestBroker.text("m0"), null).join();
        assertThat(tb.broker().memory().used()).isEqualTo(SIZE);

        s.consume(Source.queue("a"), ConsumeOptions.credit(1).withAutoSettle(true)).join();
        assertThat(tb.broker().memory().used()).isEqualTo(SIZE);
        s.consume(Source.queue("b"), ConsumeOptions.credit(1).withAutoSettle(true)).join();
        assertThat(tb.broker().memory().used()).isZero();
    }

    @Test
    void theBudgetCompletesWaitersOnlyBelowTheLimit() {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(100);
        CompletableFuture<Void> waiter = budget.whenAvailable();
        assertThat(budget.exhausted()).isTrue();
        assertThat(waiter).isNotDone();

        budget.release(1);

        assertThat(waiter).isCompleted();
        assertThat(MemoryBudget.unlimited().whenAvailable()).isCompleted();
    }
}
