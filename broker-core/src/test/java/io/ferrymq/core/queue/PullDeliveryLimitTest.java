package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Lease expiries count as failed deliveries: past max deliveries a pulled message is dead-lettered (SQS redrive). */
class PullDeliveryLimitTest {

    @Test
    void aMessageWhoseLeaseExpiresMaxDeliveriesTimesIsDeadLettered() {
        try (TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("jobs").withMaxDeliveries(2)
                .withDeadLetter(DeadLetterTarget.queue("jobs-dlq"))).build()) {
            Session s = tb.session(new RecordingSink());
            s.send(Route.queue("jobs"), TestBroker.text("m"), null).join();
            PullOptions leased = new PullOptions(1, 0, 1_000, false);

            assertThat(s.pull("jobs", leased).join()).hasSize(1);
            tb.advance(1_000);
            assertThat(s.pull("jobs", leased).join()).singleElement()
                    .extracting(Delivery::deliveryCount).isEqualTo(2);
            tb.advance(1_000);

            assertThat(s.pull("jobs", leased).join()).isEmpty();
            assertThat(tb.stats("jobs").total()).isZero();
            Delivery dead = s.pull("jobs-dlq", leased).join().get(0);
            Message m = dead.message();
            assertThat(m.property("x-death-reason")).isEqualTo(Queue.REASON_DELIVERY_LIMIT);
            assertThat(m.property("x-death-queue")).isEqualTo("jobs");
            assertThat(dead.deliveryCount()).as("a fresh message in the dead-letter queue").isEqualTo(1);
        }
    }
}
