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
