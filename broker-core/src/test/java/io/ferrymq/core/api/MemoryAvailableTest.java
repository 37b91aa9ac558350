package io.ferrymq.core.api;

import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A producer's adapter asks the session when the broker has memory again: at once below the limit, and past
 * it once consumers have acknowledged enough, on the adapter's executor.
 */
class MemoryAvailableTest {

    private static final long SIZE = TestBroker.text("m0").estimatedSize();

    private TestBroker tb;
    private ExecutorService loop;

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder().memoryLimit(SIZE * 2).build();
        loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "adapter-loop"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        tb.close();
        loop.shutdownNow();
        loop.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void belowTheLimitMemoryIsAvailableAtOnce() {
        Session s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.text("m1"), null).join();

        assertThat(s.memoryAvailable()).isCompleted();
    }

    @Test
    void pastTheLimitMemoryIsAvailableOnceConsumersAcknowledgeAndTheAnswerComesOnTheAdaptersExecutor()
            throws Exception {
        RecordingSink consumerSink = new RecordingSink();
        Session consumer = tb.session(consumerSink);
        consumer.send(Route.queue("q"), TestBroker.text("m1"), null).join();
        consumer.send(Route.queue("q"), TestBroker.text("m2"), null);
        Session producer = tb.session(new LoopSink(loop));

        CompletableFuture<Void> available = producer.memoryAvailable();
        CompletableFuture<String> thread = available.thenApply(v -> Thread.currentThread().getName());
        assertThat(available).isNotDone();

        Subscription sub = consumer.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        consumer.settle(consumerSink.find("m1"), Outcome.ACCEPT, null).join();

        assertThat(thread.get(30, TimeUnit.SECONDS)).isEqualTo("adapter-loop");
        sub.close().join();
    }

    /** A sink whose executor is one thread, like an adapter's event loop. */
    private record LoopSink(ExecutorService loop) implements DeliverySink {
        @Override
        public java.util.concurrent.Executor executor() {
            return loop;
        }

        @Override
        public void deliver(io.ferrymq.core.queue.Delivery delivery) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void subscriptionClosed(io.ferrymq.core.queue.Subscription subscription,
                                       io.ferrymq.core.errors.BrokerException reason) {
        }
    }
}
