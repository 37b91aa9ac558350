package io.ferrymq.core.journal;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker over the journal, restarted: queue state is rebuilt from disk. */
class JournalBackedBrokerRecoveryTest {

    private static TestBroker broker(Path dir) {
        return TestBroker.builder()
                .storage(Journal.open(JournalOptions.defaults(dir).withSegmentSize(256 * 1024)))
                .policy(AddressPolicy.matching("#").withMaxDeliveries(2).withDeadLetter(DeadLetterTarget.queue("DLQ")))
                .build();
    }

    private static String body(Delivery d) {
        return new String(d.message().body(), StandardCharsets.UTF_8);
    }

    @Test
    void restartRebuildsReadyInFlightScheduledAndDeadLetteredState(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.admin().declareExchange(ExchangeDeclaration.durable("events", ExchangeType.TOPIC)).join();
            s.admin().declareQueue(io.ferrymq.core.vhost.QueueDeclaration.durable("audit")).join();
            s.admin().bind(BindingDeclaration.queue("events", "audit", "order.#")).join();
            for (String b : new String[] {"a", "b", "c", "d"}) {
                s.send(Route.queue("work"), TestBroker.text(b), null).join();
            }
            s.send(Route.queue("work"), io.ferrymq.core.message.Message.builder().durable(true)
                    .deliveryTime(tb.clock().millis() + 60_000).body("later".getBytes(StandardCharsets.UTF_8)).build(),
                    null).join();
            s.send(Route.queue("work"), io.ferrymq.core.message.Message.builder().durable(false)
                    .body("transient".getBytes(StandardCharsets.UTF_8)).build(), null).join();
            s.send(Route.exchange("events", "order.created"), TestBroker.text("audited"), null).join();

            io.ferrymq.core.queue.Subscription sub = s.consume(Source.queue("work"), ConsumeOptions.credit(2)).join();
            assertThat(sink.bodies()).containsExactly("a", "b");
            s.settle(sink.find("a"), Outcome.ACCEPT, null).join();
            // b fails twice: max deliveries 2 sends it to the DLQ
            s.settle(sink.find("b"), Outcome.REQUEUE, null).join();
            sub.credit(1);
            Delivery b2 = sink.deliveries().get(2);
            assertThat(body(b2)).isEqualTo("b");
            assertThat(b2.deliveryCount()).isEqualTo(2);
            s.settle(b2, Outcome.REQUEUE, null).join();
            // c is delivered and stays in flight, unacknowledged, when the broker stops
            sub.credit(1);
            assertThat(body(sink.deliveries().get(3))).isEqualTo("c");
        }
        try (TestBroker tb = broker(dir)) {
            assertThat(tb.broker().vhost("/").exchange("events")).isNotNull();
            QueueStats work = tb.stats("work");
            assertThat(work.ready()).as("c (was in flight) and d; not the transient one").isEqualTo(2);
            assertThat(work.scheduled()).isEqualTo(1);
            assertThat(tb.stats("DLQ").ready()).isEqualTo(1);
            assertThat(tb.stats("audit").ready()).isEqualTo(1);

            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.consume(Source.queue("work"), ConsumeOptions.credit(10)).join();
            assertThat(sink.bodies()).containsExactly("c", "d");
            assertThat(sink.find("c").redelivered()).as("c was delivered before the restart").isTrue();
            assertThat(sink.find("c").deliveryCount()).isEqualTo(2);
            assertThat(sink.find("d").redelivered()).isFalse();
            tb.advance(61_000);
            assertThat(sink.bodies()).containsExactly("c", "d", "later");

            s.consume(Source.queue("DLQ"), ConsumeOptions.credit(1)).join();
            Delivery dead = sink.find("b");
            assertThat(dead.message().property("x-death-reason")).isEqualTo("delivery_limit");
            assertThat(dead.message().property("x-death-queue")).isEqualTo("work");
            s.send(Route.exchange("events", "order.paid"), TestBroker.text("routed after restart"), null).join();
            assertThat(tb.stats("audit").ready()).isEqualTo(2);
        }
    }

    @Test
    void afterACrashEveryRecoveredMessageIsFlaggedAsPossiblyRedelivered(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("live");
        try (TestBroker tb = broker(live)) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("in-flight"), null).join();
            s.send(Route.queue("q"), TestBroker.text("waiting"), null).join();
            s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();
            assertThat(sink.bodies()).containsExactly("in-flight");
            JournalRecoveryTest.crashImage(live, dir.resolve("crashed"));
        }
        try (TestBroker tb = broker(dir.resolve("crashed"))) {
            RecordingSink sink = new RecordingSink();
            tb.session(sink).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
            assertThat(sink.bodies()).containsExactly("in-flight", "waiting");
            // The crash left no record of which were delivered: the flag errs on the side of "maybe".
            assertThat(sink.deliveries()).allMatch(Delivery::redelivered);
        }
    }
}
