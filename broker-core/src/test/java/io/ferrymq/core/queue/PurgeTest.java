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

/** Purging removes the messages waiting in a queue, not those a consumer is holding. */
class PurgeTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        for (int i = 1; i <= 5; i++) {
            s.send(Route.queue("q"), TestBroker.text("m" + i), null).join();
        }
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void purgeRemovesReadyMessagesAndReportsHowMany() {
        assertThat(s.admin().purgeQueue("q").join()).isEqualTo(5);

        assertThat(tb.stats("q").total()).isZero();
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();
        assertThat(sink.deliveries()).isEmpty();
    }

    @Test
    void inFlightMessagesSurviveAPurgeAndCanStillBeSettled() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(2)).join();

        assertThat(s.admin().purgeQueue("q").join()).isEqualTo(3);

        QueueStats st = tb.stats("q");
        assertThat(st.ready()).isZero();
        assertThat(st.inFlight()).isEqualTo(2);
        s.settle(sink.find("m1"), Outcome.ACCEPT, null).join();
        s.settle(sink.find("m2"), Outcome.RELEASE, null).join();
        assertThat(sink.bodies()).as("a released message comes back after the purge").endsWith("m2");
    }

    @Test
    void theQueueTakesNewMessagesAfterAPurge() {
        s.admin().purgeQueue("q").join();

        s.send(Route.queue("q"), TestBroker.text("new"), null).join();
        s.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("new");
    }
}
