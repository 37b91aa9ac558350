package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Higher priority messages are delivered first; within one priority, in arrival order. */
class PriorityOrderingTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void send(String body, int priority) {
        s.send(Route.queue("q"), TestBroker.message(body).priority(priority).build(), null).join();
    }

    @Test
    void higherPrioritiesFirstAndFifoWithinAPriority() {
        send("low-1", 1);
        send("high-1", 9);
        send("mid", 5);
        send("high-2", 9);
        send("low-2", 1);
        send("default", 4);
        send("zero", 0);

        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("high-1", "high-2", "mid", "default", "low-1", "low-2", "zero");
    }

    @Test
    void aHigherPriorityArrivalOvertakesWaitingMessages() {
        send("a", 4);
        send("b", 4);
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        send("urgent", 8);
        sub.credit(2);

        assertThat(sink.bodies()).containsExactly("a", "urgent", "b");
    }

    @Test
    void aReturnedMessageKeepsItsPlaceWithinItsPriority() {
        send("p5-first", 5);
        send("p5-second", 5);
        send("p2", 2);
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        s.settle(sink.take().get(0), Outcome.RELEASE, null).join();
        sub.credit(3);

        assertThat(sink.bodies()).containsExactly("p5-first", "p5-second", "p2");
    }
}
