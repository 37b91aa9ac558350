package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages past their time to live (the message's expiration, or the queue's TTL) are never delivered:
 * they move to the expiry target with reason {@code expired}, found either when dispatch reaches them
 * or by the periodic expiry scan (every 30 s in the test broker).
 */
class MessageExpiryTest {

    private static final long SCAN = 30_000;

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder()
                .policy(AddressPolicy.matching("#").withExpiry(DeadLetterTarget.queue("EXP")))
                .policy(AddressPolicy.matching("short.#").withMessageTtlMillis(2_000L))
                .build();
        s = tb.session(new RecordingSink());
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private Message expiringIn(String body, long millis) {
        return TestBroker.message(body).expiration(tb.clock().millis() + millis).build();
    }

    private Message onlyExpired() {
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue("EXP"), ConsumeOptions.credit(10)).join();
        assertThat(sink.deliveries()).hasSize(1);
        return sink.deliveries().get(0).message();
    }

    @Test
    void anExpiredMessageIsNotDeliveredButMovedToTheExpiryQueueWhenDispatchReachesIt() {
        s.send(Route.queue("q"), expiringIn("old", 1_000), null).join();
        s.send(Route.queue("q"), TestBroker.text("fresh"), null).join();
        tb.advance(1_000);
        assertThat(tb.stats("q").ready()).as("no scan has run yet").isEqualTo(2);

        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("fresh");
        assertThat(tb.stats("q").expired()).isEqualTo(1);
        Message expired = onlyExpired();
        assertThat(new String(expired.body())).isEqualTo("old");
        assertThat(expired.property("x-death-reason")).isEqualTo(Queue.REASON_EXPIRED);
        assertThat(expired.property("x-death-queue")).isEqualTo("q");
        assertThat(expired.expiration()).as("the copy does not expire again").isZero();
    }

    @Test
    void aMessageIsStillDeliverableJustBeforeItExpires() {
        s.send(Route.queue("q"), expiringIn("m", 1_000), null).join();
        tb.advance(999);

        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.bodies()).containsExactly("m");
    }

    @Test
    void thePeriodicScanExpiresMessagesNobodyConsumes() {
        s.send(Route.queue("q"), expiringIn("old", 1_000), null).join();
        s.send(Route.queue("q"), expiringIn("later", SCAN * 2), null).join();

        tb.advance(SCAN);

        QueueStats st = tb.stats("q");
        assertThat(st.ready()).isEqualTo(1);
        assertThat(st.expired()).isEqualTo(1);
        assertThat(new String(onlyExpired().body())).isEqualTo("old");
    }

    @Test
    void theQueueTtlArgumentExpiresMessages() {
        s.admin().declareQueue(QueueDeclaration.durable("ttl").withArguments(Map.of("x-message-ttl", 5_000))).join();
        s.send(Route.queue("ttl"), TestBroker.text("m"), null).join();

        tb.advance(4_999);
        RecordingSink early = new RecordingSink();
        Subscription sub = tb.session(early).consume(Source.queue("ttl"), ConsumeOptions.credit(0)).join();
        tb.advance(SCAN);

        assertThat(tb.stats("ttl").total()).isZero();
        assertThat(onlyExpired().property("x-death-queue")).isEqualTo("ttl");
        sub.credit(1);
        assertThat(early.deliveries()).isEmpty();
    }

    @Test
    void thePolicyTtlExpiresMessages() {
        s.send(Route.queue("short.q"), TestBroker.text("m"), null).join();

        tb.advance(2_000);
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue("short.q"), ConsumeOptions.credit(10)).join();

        assertThat(sink.deliveries()).isEmpty();
        assertThat(tb.stats("short.q").expired()).isEqualTo(1);
        assertThat(onlyExpired().property("x-death-reason")).isEqualTo(Queue.REASON_EXPIRED);
    }

    @Test
    void aMessageExpirationEarlierThanTheQueueTtlWins() {
        s.send(Route.queue("short.a"), expiringIn("own", 500), null).join();

        tb.advance(500);
        RecordingSink sink = new RecordingSink();
        tb.session(sink).consume(Source.queue("short.a"), ConsumeOptions.credit(10)).join();

        assertThat(sink.deliveries()).isEmpty();
        assertThat(tb.stats("short.a").expired()).isEqualTo(1);
    }

    @Test
    void aQueueTtlEarlierThanTheMessageExpirationWins() {
        s.send(Route.queue("short.b"), expiringIn("long", 60_000), null).join();

        tb.advance(1_999);
        RecordingSink sink = new RecordingSink();
        Subscription sub = tb.session(sink).consume(Source.queue("short.b"), ConsumeOptions.credit(0)).join();
        tb.advance(1);
        sub.credit(1);

        assertThat(sink.deliveries()).isEmpty();
        assertThat(tb.stats("short.b").expired()).isEqualTo(1);
    }

    @Test
    void withoutAnExpiryTargetExpiredMessagesAreDropped() {
        try (TestBroker plain = TestBroker.start()) {
            Session p = plain.session(new RecordingSink());
            p.send(Route.queue("q"), TestBroker.message("m").expiration(plain.clock().millis() + 10).build(), null)
                    .join();

            plain.advance(SCAN);

            assertThat(plain.stats("q").total()).isZero();
            assertThat(plain.stats("q").expired()).isEqualTo(1);
            assertThat(plain.vhost().queues()).extracting(Queue::name).containsExactly("q");
        }
    }

    @Test
    void aMessageInFlightDoesNotExpireUnderItsConsumer() {
        RecordingSink sink = new RecordingSink();
        Session c = tb.session(sink);
        s.send(Route.queue("q"), expiringIn("m", 1_000), null).join();
        c.consume(Source.queue("q"), ConsumeOptions.credit(10)).join();

        tb.advance(SCAN);
        c.settle(sink.find("m"), Outcome.ACCEPT, null).join();

        QueueStats st = tb.stats("q");
        assertThat(st.acknowledged()).isEqualTo(1);
        assertThat(st.expired()).isZero();
    }
}
