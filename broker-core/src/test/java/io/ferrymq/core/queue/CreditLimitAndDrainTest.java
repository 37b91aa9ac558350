package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** AMQP-style credit: an absolute limit on total deliveries, and drain. */
class CreditLimitAndDrainTest {

    @Test
    void creditUpToCountsDeliveriesAlreadyMade() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            for (int i = 0; i < 10; i++) {
                s.send(Route.queue("q"), TestBroker.text("m" + i), null).join();
            }
            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(3)).join();
            assertThat(sink.deliveries()).hasSize(3);
            assertThat(sub.delivered()).isEqualTo(3);
            // delivery-count 3 + link-credit 2: two more, not five
            sub.creditUpTo(5);
            assertThat(sink.deliveries()).hasSize(5);
            sub.creditUpTo(4);
            assertThat(sink.deliveries()).hasSize(5);
        }
    }

    @Test
    void drainDeliversWhatIsThereAndGivesUpTheRest() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("q"), TestBroker.text("a"), null).join();
            s.send(Route.queue("q"), TestBroker.text("b"), null).join();
            Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(0)).join();
            sub.creditUpTo(10);
            int unused = s.drain(sub).join();
            assertThat(sink.bodies()).containsExactly("a", "b");
            assertThat(unused).isEqualTo(8);
            s.send(Route.queue("q"), TestBroker.text("c"), null).join();
            assertThat(sink.bodies()).as("no credit left after the drain").containsExactly("a", "b");
        }
    }
}
