package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With single active consumer, the oldest consumer gets everything; the others take over when it leaves. */
class SingleActiveConsumerTest {

    private static void send(Session s, String queue, int n) {
        for (int i = 1; i <= n; i++) {
            s.send(Route.queue(queue), TestBroker.text("m" + i), null).join();
        }
    }

    @Test
    void onlyTheFirstConsumerReceivesWithTheQueueArgument() {
        try (TestBroker tb = TestBroker.start()) {
            Session p = tb.session(new RecordingSink());
            p.admin().declareQueue(QueueDeclaration.durable("q")
                    .withArguments(Map.of("x-single-active-consumer", true))).join();
            RecordingSink active = new RecordingSink();
            RecordingSink standby = new RecordingSink();
            tb.session(active).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
            tb.session(standby).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            send(p, "q", 4);

            assertThat(active.bodies()).containsExactly("m1", "m2", "m3", "m4");
            assertThat(standby.deliveries()).isEmpty();
        }
    }

    @Test
    void theStandbyTakesOverInOrderWhenTheActiveConsumerCloses() {
        try (TestBroker tb = TestBroker.builder()
                .policy(AddressPolicy.matching("sac.#").withSingleActiveConsumer(true)).build()) {
            Session p = tb.session(new RecordingSink());
            RecordingSink active = new RecordingSink();
            RecordingSink standby = new RecordingSink();
            Session a = tb.session(active);
            p.admin().declareQueue(QueueDeclaration.durable("sac.q")).join();
            Subscription first = a.consume(Source.queue("sac.q"), ConsumeOptions.credit(2)).join();
            tb.session(standby).consume(Source.queue("sac.q"), ConsumeOptions.credit(10)).join();
            send(p, "sac.q", 4);
            a.settle(active.find("m1"), Outcome.ACCEPT, null).join();
            assertThat(standby.deliveries()).as("the active one is out of credit, still the standby waits").isEmpty();

            first.close().join();

            assertThat(standby.bodies()).containsExactly("m2", "m3", "m4");
            assertThat(standby.find("m2").redelivered()).isTrue();
        }
    }

    @Test
    void aHigherPriorityNewcomerTakesOverOnlyOnceTheActiveConsumerHasSettledWhatItHolds() {
        try (TestBroker tb = TestBroker.start()) {
            Session p = tb.session(new RecordingSink());
            p.admin().declareQueue(QueueDeclaration.durable("q")
                    .withArguments(Map.of("x-single-active-consumer", true))).join();
            RecordingSink low = new RecordingSink();
            RecordingSink high = new RecordingSink();
            Session lowSession = tb.session(low);
            lowSession.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();
            send(p, "q", 4);
            assertThat(low.bodies()).containsExactly("m1", "m2");

            tb.session(high).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(5)).join();
            assertThat(high.deliveries()).as("the active consumer still holds m1 and m2").isEmpty();

            lowSession.settle(low.find("m1"), Outcome.ACCEPT, null).join();
            assertThat(low.bodies()).as("it gets nothing more while handing over").containsExactly("m1", "m2");
            assertThat(high.deliveries()).as("m2 is still held").isEmpty();

            lowSession.settle(low.find("m2"), Outcome.ACCEPT, null).join();
            assertThat(high.bodies()).containsExactly("m3", "m4");
            send(p, "q", 1);
            assertThat(high.bodies()).containsExactly("m3", "m4", "m1");
            assertThat(low.bodies()).containsExactly("m1", "m2");
        }
    }

    @Test
    void aNewcomerOfTheSamePriorityWaitsAsAStandby() {
        try (TestBroker tb = TestBroker.start()) {
            Session p = tb.session(new RecordingSink());
            p.admin().declareQueue(QueueDeclaration.durable("q")
                    .withArguments(Map.of("x-single-active-consumer", true))).join();
            RecordingSink first = new RecordingSink();
            RecordingSink second = new RecordingSink();
            Session a = tb.session(first);
            a.consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(5)).join();
            tb.session(second).consume(Source.queue("q"), ConsumeOptions.credit(10).withPriority(5)).join();
            send(p, "q", 2);
            a.settle(first.find("m1"), Outcome.ACCEPT, null).join();
            a.settle(first.find("m2"), Outcome.ACCEPT, null).join();
            send(p, "q", 1);

            assertThat(first.bodies()).containsExactly("m1", "m2", "m1");
            assertThat(second.deliveries()).isEmpty();
        }
    }

    @Test
    void withoutTheSettingConsumersShareTheQueue() {
        try (TestBroker tb = TestBroker.start()) {
            Session p = tb.session(new RecordingSink());
            p.admin().declareQueue(QueueDeclaration.durable("q")).join();
            RecordingSink one = new RecordingSink();
            RecordingSink two = new RecordingSink();
            tb.session(one).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
            tb.session(two).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

            send(p, "q", 2);

            assertThat(one.bodies()).hasSize(1);
            assertThat(two.bodies()).hasSize(1);
        }
    }
}
