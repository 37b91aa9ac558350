package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A full queue with overflow drop-head makes room by dead-lettering its oldest messages (reason maxlen). */
class DropHeadOverflowTest {

    @Test
    void theOldestMessagesAreDeadLetteredToMakeRoom() {
        try (TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("ring")
                .withLimits(2L, null, OverflowPolicy.DROP_HEAD).withDeadLetter(DeadLetterTarget.queue("DLQ"))).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            for (int i = 1; i <= 4; i++) {
                assertThat(s.send(Route.queue("ring"), TestBroker.text("m" + i), null).join().queues()).isEqualTo(1);
            }

            assertThat(tb.stats("ring").ready()).isEqualTo(2);
            s.consume(Source.queue("ring"), ConsumeOptions.credit(10)).join();
            assertThat(sink.bodies()).containsExactly("m3", "m4");

            RecordingSink dead = new RecordingSink();
            tb.session(dead).consume(Source.queue("DLQ"), ConsumeOptions.credit(10)).join();
            assertThat(dead.bodies()).containsExactly("m1", "m2");
            Message m = dead.deliveries().get(0).message();
            assertThat(m.property("x-death-reason")).isEqualTo(Queue.REASON_MAXLEN);
            assertThat(m.property("x-death-queue")).isEqualTo("ring");
        }
    }

    @Test
    void withoutADeadLetterTargetTheOldestAreDropped() {
        try (TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("ring")
                .withLimits(1L, null, OverflowPolicy.DROP_HEAD)).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("ring"), TestBroker.text("old"), null).join();
            s.send(Route.queue("ring"), TestBroker.text("new"), null).join();

            s.consume(Source.queue("ring"), ConsumeOptions.credit(10)).join();

            assertThat(sink.bodies()).containsExactly("new");
            assertThat(tb.stats("ring").dropped()).isEqualTo(1);
        }
    }

    @Test
    void inFlightMessagesAreNotDropped() {
        try (TestBroker tb = TestBroker.builder().policy(AddressPolicy.matching("ring")
                .withLimits(1L, null, OverflowPolicy.DROP_HEAD)).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("ring"), TestBroker.text("held"), null).join();
            s.consume(Source.queue("ring"), ConsumeOptions.credit(1)).join();

            s.send(Route.queue("ring"), TestBroker.text("a"), null).join();
            s.send(Route.queue("ring"), TestBroker.text("b"), null).join();

            QueueStats st = tb.stats("ring");
            assertThat(st.inFlight()).isEqualTo(1);
            assertThat(st.ready()).isEqualTo(1);
            s.settle(sink.find("held"), Outcome.ACCEPT, null).join();
            assertThat(tb.stats("ring").acknowledged()).isEqualTo(1);
        }
    }
}
