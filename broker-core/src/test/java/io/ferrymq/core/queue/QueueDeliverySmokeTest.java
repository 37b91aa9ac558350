package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueDeliverySmokeTest {

    @Test
    void messageSentToAQueueReachesItsConsumerAndLeavesOnAck() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("orders"), TestBroker.text("hello"), null).join();
            Subscription sub = s.consume(Source.queue("orders"), ConsumeOptions.credit(10)).join();
            assertThat(sink.bodies()).containsExactly("hello");
            Delivery d = sink.deliveries().get(0);
            assertThat(d.redelivered()).isFalse();
            s.settle(d, Outcome.ACCEPT, null).join();
            QueueStats stats = tb.broker().vhost("/").queue("orders").exactStats().join();
            assertThat(stats.total()).isZero();
            assertThat(stats.acknowledged()).isEqualTo(1);
            sub.close().join();
        }
    }
}
