package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Auto-settled deliveries (at most once) leave the queue as they are handed out. */
class AutoSettleTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        s.send(Route.queue("q"), TestBroker.text("1"), null).join();
        s.send(Route.queue("q"), TestBroker.text("2"), null).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void anAutoSettledPullRemovesTheMessages() {
        List<Delivery> got = s.pull("q", new PullOptions(5, 0, 1_000, true)).join();

        assertThat(got).extracting(RecordingSink::text).containsExactly("1", "2");
        assertThat(got).noneMatch(Delivery::needsSettlement);
        QueueStats st = tb.stats("q");
        assertThat(st.total()).isZero();
        assertThat(st.acknowledged()).isEqualTo(2);
        tb.advance(10_000);
        assertThat(tb.stats("q").total()).as("no lease brings them back").isZero();
    }

    @Test
    void anAutoSettledConsumerTakesMessagesForGood() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(5).withAutoSettle(true)).join();

        assertThat(sink.bodies()).containsExactly("1", "2");
        assertThat(tb.stats("q").total()).isZero();
        assertThat(s.settle(sink.deliveries().get(0), Outcome.ACCEPT, null)).as("nothing to settle").isCompleted();
    }

    @Test
    void autoSettledDeliveriesStillUseCredit() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(1).withAutoSettle(true)).join();

        assertThat(sink.bodies()).containsExactly("1");
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void aConsumerCanSettleOnHandoutOnlyTheMessagesItsPredicateAccepts() {
        s.consume(Source.queue("q"), ConsumeOptions.credit(5).withAutoSettleWhen(m -> new String(m.body(), StandardCharsets.UTF_8).equals("1"))).join();

        assertThat(sink.deliveries()).extracting(Delivery::needsSettlement).containsExactly(false, true);
        QueueStats st = tb.stats("q");
        assertThat(st.acknowledged()).isEqualTo(1);
        assertThat(st.total()).as("the other one is in flight until settled").isEqualTo(1);
        s.settle(sink.deliveries().get(1), Outcome.ACCEPT, null).join();
        assertThat(tb.stats("q").total()).isZero();
    }
}
