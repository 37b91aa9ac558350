package io.ferrymq.core.api;

import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An adapter learns of a new subscription before the subscription's first delivery reaches it, even when
 * the queue already holds messages and hands them out at once from another thread. An adapter that got a
 * delivery for a subscription it does not know yet would drop it (a STOMP auto-ack message, lost).
 */
class SubscriptionAnnouncementTest {

    private static final int ROUNDS = 2_000;
    private static final int BACKLOG = 5;

    private Broker broker;
    private ExecutorService eventLoop;

    @BeforeEach
    void start() {
        broker = Broker.start(new BrokerOptions(BrokerRuntime.threaded(2), null, TestBroker.adminRealm(),
                new PolicyTable(List.of()), 0, 30_000, List.of("/")));
        eventLoop = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() throws InterruptedException {
        eventLoop.shutdownNow();
        eventLoop.awaitTermination(10, TimeUnit.SECONDS);
        broker.close();
    }

    @Test
    void theSubscriptionIsKnownBeforeItsFirstDelivery() throws Exception {
        AdapterSink adapter = new AdapterSink(eventLoop);
        Session session = broker.openAuthenticated("/", new BrokerPrincipal(TestBroker.ADMIN, Set.of("admins")),
                new ClientInfo(1, "test", null, "test", null), adapter);
        for (int round = 0; round < ROUNDS; round++) {
            String queue = "backlog-" + round;
            for (int i = 0; i < BACKLOG; i++) {
                session.send(Route.queue(queue), TestBroker.text("m" + i), null).get(10, TimeUnit.SECONDS);
            }
            // Consumed from the event loop, as a protocol adapter does; it learns of the subscription through
            // the future, on the same thread that its deliveries arrive on.
            CompletableFuture<Subscription> known = CompletableFuture.supplyAsync(() ->
                    session.consume(Source.queue(queue), ConsumeOptions.credit(BACKLOG).withAutoSettle(true))
                            .thenApply(adapter::register), eventLoop).thenCompose(f -> f);
            Subscription s = known.get(10, TimeUnit.SECONDS);
            adapter.awaitDeliveries(s, BACKLOG);
            s.close().get(10, TimeUnit.SECONDS);
        }
        assertThat(adapter.unknownDeliveries()).isEmpty();
    }

    /** Keeps its own map of subscriptions, confined to its event loop, like the protocol adapters. */
    private static final class AdapterSink implements DeliverySink {

        private final ExecutorService loop;
        private final Set<Subscription> known = new HashSet<>();
        private final List<String> unknown = new ArrayList<>();
        private final java.util.Map<Subscription, Integer> counts = new java.util.HashMap<>();

        AdapterSink(ExecutorService loop) {
            this.loop = loop;
        }

        Subscription register(Subscription s) {
            known.add(s);
            return s;
        }

        @Override
        public java.util.concurrent.Executor executor() {
            return loop;
        }

        @Override
        public void deliver(Delivery d) {
            if (!known.contains(d.subscription())) {
                unknown.add(d.queueName());
            }
            synchronized (this) {
                counts.merge(d.subscription(), 1, Integer::sum);
                notifyAll();
            }
        }

        synchronized void awaitDeliveries(Subscription s, int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (counts.getOrDefault(s, 0) < n) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("deliveries to %s", s).isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        List<String> unknownDeliveries() throws Exception {
            return loop.submit(() -> List.copyOf(unknown)).get(10, TimeUnit.SECONDS);
        }
    }
}
