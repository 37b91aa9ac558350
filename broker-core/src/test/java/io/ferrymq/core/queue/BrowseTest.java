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

/** A browser sees a queue's messages without taking them. */
class BrowseTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        for (int i = 1; i <= 3; i++) {
            s.send(Route.queue("q"), TestBroker.text("m" + i), null).join();
        }
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aBrowserSeesEveryMessageAndLeavesThemInTheQueue() {
        RecordingSink browser = new RecordingSink();

        tb.session(browser).consume(Source.queue("q"), ConsumeOptions.credit(10).withBrowse(true)).join();

        assertThat(browser.bodies()).containsExactly("m1", "m2", "m3");
        assertThat(browser.deliveries()).noneMatch(Delivery::needsSettlement);
        QueueStats st = tb.stats("q");
        assertThat(st.ready()).isEqualTo(3);
        assertThat(st.inFlight()).isZero();
    }

    @Test
    void browsedMessagesAreStillConsumedAfterwards() {
        tb.session(new RecordingSink()).consume(Source.queue("q"), ConsumeOptions.credit(10).withBrowse(true)).join();
        RecordingSink consumer = new RecordingSink();

        tb.session(consumer).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(consumer.bodies()).containsExactly("m1", "m2", "m3");
    }

    @Test
    void aBrowserSeesEachMessageOnceAndNewArrivalsLater() {
        RecordingSink browser = new RecordingSink();
        Subscription sub = tb.session(browser).consume(Source.queue("q"), ConsumeOptions.credit(2).withBrowse(true)).join();
        assertThat(browser.bodies()).containsExactly("m1", "m2");

        sub.credit(5);
        s.send(Route.queue("q"), TestBroker.text("m4"), null).join();

        assertThat(browser.bodies()).containsExactly("m1", "m2", "m3", "m4");
    }
}
