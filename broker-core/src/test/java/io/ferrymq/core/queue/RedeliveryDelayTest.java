package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed delivery is offered again only after the queue's redelivery delay; a release at once. */
class RedeliveryDelayTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder().policy(AddressPolicy.matching("slow.#").withRedeliveryDelayMillis(5_000L)).build();
        sink = new RecordingSink();
        s = tb.session(sink);
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aFailedDeliveryWaitsForTheDelay() {
        s.send(Route.queue("slow.q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("slow.q"), ConsumeOptions.credit(10)).join();

        s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();
        assertThat(tb.stats("slow.q").scheduled()).isEqualTo(1);
        tb.advance(4_999);
        assertThat(sink.deliveries()).isEmpty();

        tb.advance(1);
        Delivery again = sink.take().get(0);
        assertThat(again.redelivered()).isTrue();
        assertThat(again.deliveryCount()).isEqualTo(2);
    }

    @Test
    void otherMessagesAreDeliveredDuringTheDelay() {
        s.send(Route.queue("slow.q"), TestBroker.text("bad"), null).join();
        s.send(Route.queue("slow.q"), TestBroker.text("good"), null).join();
        Subscription sub = s.consume(Source.queue("slow.q"), ConsumeOptions.credit(1)).join();

        s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();
        sub.credit(5);

        assertThat(sink.bodies()).containsExactly("good");
        tb.advance(5_000);
        assertThat(sink.bodies()).containsExactly("good", "bad");
    }

    @Test
    void aReleaseIsNotDelayed() {
        s.send(Route.queue("slow.q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("slow.q"), ConsumeOptions.credit(10)).join();

        s.settle(sink.take().get(0), Outcome.RELEASE, null).join();

        assertThat(sink.bodies()).containsExactly("m");
    }

    @Test
    void theDelayCanBeSetByQueueArgument() {
        s.admin().declareQueue(QueueDeclaration.durable("q").withArguments(Map.of("x-redelivery-delay", 1_000L)))
                .join();
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        s.settle(sink.take().get(0), Outcome.REQUEUE, null).join();
        assertThat(sink.deliveries()).isEmpty();
        tb.advance(1_000);

        assertThat(sink.bodies()).containsExactly("m");
    }
}
