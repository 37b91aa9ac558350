package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RabbitMQ's {@code x-expires}: a queue with no consumers, no pulls and no redeclaration for its lease
 * is deleted, durable ones too; a restart gives a durable queue its full lease again.
 */
class QueueExpiryTest {

    private static final QueueDeclaration EXPIRING = QueueDeclaration.durable("q")
            .withArguments(Map.of("x-expires", 1000));

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void anUnusedQueueIsDeletedWhenItsLeaseRunsOut() {
        s.admin().declareQueue(EXPIRING).join();
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();

        tb.advance(999);
        assertThat(tb.queue("q")).as("publishing does not count as use, but the lease is not over").isNotNull();
        tb.advance(1);
        assertThat(tb.queue("q")).isNull();
    }

    @Test
    void aConsumerKeepsItAndTheLeaseStartsWhenTheLastOneLeaves() {
        s.admin().declareQueue(EXPIRING).join();
        Subscription sub = s.consume(Source.queue("q"), ConsumeOptions.credit(1)).join();

        tb.advance(5000);
        assertThat(tb.queue("q")).isNotNull();

        sub.close().join();
        tb.advance(999);
        assertThat(tb.queue("q")).isNotNull();
        tb.advance(1);
        assertThat(tb.queue("q")).isNull();
    }

    @Test
    void aPullOrADeclareStartsTheLeaseAgain() {
        s.admin().declareQueue(EXPIRING).join();
        tb.advance(800);
        s.pull("q", new PullOptions(1, 0, -1, true)).join();
        tb.advance(800);
        assertThat(tb.queue("q")).isNotNull();
        s.admin().declareQueue(EXPIRING).join();
        tb.advance(800);
        s.admin().declareQueue(QueueDeclaration.passive("q")).join();
        tb.advance(800);
        assertThat(tb.queue("q")).isNotNull();
        tb.advance(200);
        assertThat(tb.queue("q")).isNull();
    }

    @Test
    void aDurableQueueGetsItsFullLeaseAgainAfterARestartAndStaysDeleted() {
        s.admin().declareQueue(EXPIRING).join();
        tb.advance(900);
        tb = tb.restart(TestBroker.builder().startingAt(tb.clock().millis() + 60_000));
        assertThat(tb.queue("q")).as("recovered, though its lease would have run out meanwhile").isNotNull();

        tb.advance(999);
        assertThat(tb.queue("q")).isNotNull();
        tb.advance(1);
        assertThat(tb.queue("q")).isNull();

        tb = tb.restart(TestBroker.builder());
        assertThat(tb.queue("q")).as("its deletion was stored").isNull();
    }

    @Test
    void aLeaseThatIsNotAPositiveNumberIsRefused() {
        for (Object bad : new Object[] {0, -5, "soon"}) {
            assertThatThrownBy(() -> s.admin().declareQueue(QueueDeclaration.durable("bad")
                    .withArguments(Map.of("x-expires", bad))).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(BrokerException.class)
                    .satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                    .hasMessageContaining("x-expires");
        }
        assertThat(tb.queue("bad")).isNull();
    }
}
