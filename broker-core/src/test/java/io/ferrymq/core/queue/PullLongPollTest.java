package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** A pull answers at once when messages are ready, else waits up to its wait time for the first one. */
class PullLongPollTest {

    private TestBroker tb;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        s = tb.session(new RecordingSink());
        s.admin().declareQueue(QueueDeclaration.durable("q")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    private void send(String body) {
        s.send(Route.queue("q"), TestBroker.text(body), null).join();
    }

    @Test
    void readyMessagesAreReturnedAtOnceUpToTheMaximum() {
        send("1");
        send("2");
        send("3");

        CompletableFuture<List<Delivery>> f = s.pull("q", new PullOptions(2, 20_000, 30_000, false));

        assertThat(f).isCompleted();
        assertThat(f.join()).extracting(RecordingSink::text).containsExactly("1", "2");
        assertThat(tb.stats("q").inFlight()).isEqualTo(2);
    }

    @Test
    void fewerReadyMessagesThanTheMaximumAreReturnedWithoutWaiting() {
        send("1");

        CompletableFuture<List<Delivery>> f = s.pull("q", new PullOptions(10, 20_000, 30_000, false));

        assertThat(f).isCompleted();
        assertThat(f.join()).hasSize(1);
    }

    @Test
    void aWaitingPullAnswersAsSoonAsAMessageArrives() {
        CompletableFuture<List<Delivery>> f = s.pull("q", new PullOptions(5, 20_000, 30_000, false));
        tb.advance(10_000);
        assertThat(f).isNotDone();

        send("late");

        assertThat(f).isCompleted();
        assertThat(f.join()).extracting(RecordingSink::text).containsExactly("late");
    }

    @Test
    void aWaitingPullAnswersEmptyWhenTheWaitEnds() {
        CompletableFuture<List<Delivery>> f = s.pull("q", new PullOptions(5, 20_000, 30_000, false));

        tb.advance(19_999);
        assertThat(f).isNotDone();
        tb.advance(1);

        assertThat(f.join()).isEmpty();
        send("after");
        assertThat(tb.stats("q").ready()).as("a finished pull takes nothing more").isEqualTo(1);
    }

    @Test
    void aPullWithoutWaitAnswersEmptyAtOnce() {
        assertThat(s.pull("q", new PullOptions(1, 0, 30_000, false)).join()).isEmpty();
    }

    @Test
    void waitingPullsAreServedInTurn() {
        CompletableFuture<List<Delivery>> first = s.pull("q", new PullOptions(1, 20_000, 30_000, false));
        CompletableFuture<List<Delivery>> second = s.pull("q", new PullOptions(1, 20_000, 30_000, false));

        send("a");
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        send("b");

        assertThat(second.join()).extracting(RecordingSink::text).containsExactly("b");
    }

    @Test
    void aWaitingPullFailsWhenTheQueueIsDeleted() {
        CompletableFuture<List<Delivery>> f = s.pull("q", new PullOptions(1, 20_000, 30_000, false));

        s.admin().deleteQueue("q", false, false).join();

        failsWith(f, ErrorCode.NOT_FOUND);
    }

    @Test
    void pullingFromAMissingQueueFailsNotFound() {
        failsWith(s.pull("nope", new PullOptions(1, 0, 30_000, false)), ErrorCode.NOT_FOUND);
    }
}
