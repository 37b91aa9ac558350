package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pulled message is leased (SQS visibility timeout): unsettled when the lease ends, it returns to the
 * queue and its old delivery id is void. The lease can be changed; 0 returns it at once.
 */
class PullLeaseTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.send(Route.queue("q"), TestBroker.text("m"), null).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private Delivery pull(long lease) {
        var got = s.pull("q", new PullOptions(1, 0, lease, false)).join();
        assertThat(got).hasSize(1);
        return got.get(0);
    }

    private boolean nothingToPull() {
        return s.pull("q", new PullOptions(1, 0, 10_000, false)).join().isEmpty();
    }

    @Test
    void aPulledMessageIsInvisibleUntilItsLeaseEnds() {
        Delivery d = pull(10_000);

        tb.advance(9_999);
        assertThat(nothingToPull()).isTrue();
        tb.advance(1);

        Delivery again = pull(10_000);
        assertThat(again.deliveryCount()).isEqualTo(2);
        assertThat(again.redelivered()).isTrue();
        assertThat(again.deliveryId()).isNotEqualTo(d.deliveryId());
    }

    @Test
    void settlingWithAnExpiredLeasesDeliveryIdFailsNotFound() {
        Delivery d = pull(10_000);
        tb.advance(10_000);

        failsWith(s.settle("q", d.deliveryId(), Outcome.ACCEPT), ErrorCode.NOT_FOUND);
        assertThat(tb.stats("q").ready()).isEqualTo(1);
    }

    @Test
    void settlingWithinTheLeaseRemovesTheMessageForGood() {
        Delivery d = pull(10_000);

        s.settle("q", d.deliveryId(), Outcome.ACCEPT).join();
        tb.advance(60_000);

        assertThat(tb.stats("q").total()).isZero();
    }

    @Test
    void changeLeaseExtendsItFromNow() {
        Delivery d = pull(10_000);
        tb.advance(8_000);

        s.changeLease("q", d.deliveryId(), 10_000).join();
        tb.advance(9_999);
        assertThat(nothingToPull()).isTrue();
        tb.advance(1);

        assertThat(pull(10_000).deliveryCount()).isEqualTo(2);
    }

    @Test
    void changeLeaseCanShortenIt() {
        Delivery d = pull(60_000);

        s.changeLease("q", d.deliveryId(), 1_000).join();
        tb.advance(1_000);

        assertThat(pull(10_000).deliveryCount()).isEqualTo(2);
    }

    @Test
    void changeLeaseToZeroReturnsTheMessageAtOnce() {
        Delivery d = pull(60_000);

        s.changeLease("q", d.deliveryId(), 0).join();

        Delivery again = pull(60_000);
        assertThat(again.deliveryCount()).isEqualTo(2);
        failsWith(s.settle("q", d.deliveryId(), Outcome.ACCEPT), ErrorCode.NOT_FOUND);
    }

    @Test
    void changeLeaseOfAnUnknownDeliveryFailsNotFound() {
        failsWith(s.changeLease("q", 12_345, 1_000), ErrorCode.NOT_FOUND);
    }

    @Test
    void aNegativeLeaseIsRefused() {
        Delivery d = pull(60_000);

        failsWith(s.changeLease("q", d.deliveryId(), -1), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void withoutALeaseAPulledMessageWaitsForItsSettlement() {
        Delivery d = pull(-1);

        tb.advance(10 * 60_000);
        assertThat(nothingToPull()).isTrue();

        s.settle("q", d.deliveryId(), Outcome.RELEASE).join();
        assertThat(pull(-1).deliveryCount()).isEqualTo(1);
    }
}
