package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** A commit that cannot be carried out (a full queue, a missing queue) rolls the whole transaction back. */
class TransactionCommitFailureTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        s.admin().declareQueue(QueueDeclaration.durable("small").withArguments(Map.of("x-max-length", 1))).join();
        s.admin().declareQueue(QueueDeclaration.durable("big")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aCommitThatWouldOverfillAQueueFailsAndEnqueuesNothing() {
        Tx tx = s.begin();
        s.send(Route.queue("big"), TestBroker.text("a"), tx).join();
        s.send(Route.queue("small"), TestBroker.text("b"), tx).join();
        s.send(Route.queue("small"), TestBroker.text("c"), tx).join();

        failsWith(s.commit(tx), ErrorCode.RESOURCE_LIMIT_EXCEEDED);

        assertThat(tb.stats("big").total()).isZero();
        assertThat(tb.stats("small").total()).isZero();
        assertThat(tx.isOpen()).isFalse();
        s.send(Route.queue("small"), TestBroker.text("after"), null).join();
        assertThat(tb.stats("small").ready()).as("the failed commit left no admission behind").isEqualTo(1);
    }

    @Test
    void aFailedCommitPutsItsAcknowledgedMessagesBack() {
        s.send(Route.queue("big"), TestBroker.text("in"), null).join();
        s.send(Route.queue("small"), TestBroker.text("full"), null).join();
        Subscription sub = s.consume(Source.queue("big"), ConsumeOptions.credit(1)).join();
        Tx tx = s.begin();
        s.settle(sink.find("in"), Outcome.ACCEPT, tx).join();
        s.send(Route.queue("small"), TestBroker.text("overflow"), tx).join();
        sink.take();

        failsWith(s.commit(tx), ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        sub.credit(1);

        assertThat(sink.bodies()).containsExactly("in");
        assertThat(sink.deliveries().get(0).redelivered()).isTrue();
        assertThat(tb.stats("big").acknowledged()).isZero();
    }

    @Test
    void aCommitToAQueueThatMayNotBeCreatedFails() {
        try (TestBroker strict = TestBroker.builder().policy(AddressPolicy.matching("#")
                .withAutoCreateQueues(false)).build()) {
            Session p = strict.session(new RecordingSink());
            Tx tx = p.begin();
            p.send(Route.queue("missing"), TestBroker.text("m"), tx).join();

            failsWith(p.commit(tx), ErrorCode.NOT_FOUND);
            assertThat(tx.isOpen()).isFalse();
        }
    }
}
