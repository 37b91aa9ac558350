package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.SendResult;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full queue with overflow block takes the message but holds back the producer's confirmation until
 * consumers drain it below its limit.
 */
class BlockOverflowTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.builder().policy(AddressPolicy.matching("slow")
                .withLimits(2L, null, OverflowPolicy.BLOCK)).build();
        sink = new RecordingSink();
        s = tb.session(sink);
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aSendPastTheLimitCompletesOnlyWhenAConsumerDrainsTheQueue() {
        s.send(Route.queue("slow"), TestBroker.text("1"), null).join();
        s.send(Route.queue("slow"), TestBroker.text("2"), null).join();

        CompletableFuture<SendResult> third = s.send(Route.queue("slow"), TestBroker.text("3"), null);

        assertThat(third).isNotDone();
        assertThat(tb.stats("slow").ready()).as("the message is taken").isEqualTo(3);

        Subscription sub = s.consume(Source.queue("slow"), ConsumeOptions.credit(0)).join();
        assertThat(third).isNotDone();
        sub.credit(1);
        assertThat(third).isCompleted();
        assertThat(sink.bodies()).containsExactly("1");
    }

    @Test
    void everyBlockedProducerIsReleasedTogether() {
        s.send(Route.queue("slow"), TestBroker.text("1"), null).join();
        s.send(Route.queue("slow"), TestBroker.text("2"), null).join();
        CompletableFuture<SendResult> third = s.send(Route.queue("slow"), TestBroker.text("3"), null);
        CompletableFuture<SendResult> fourth = tb.session(new RecordingSink())
                .send(Route.queue("slow"), TestBroker.text("4"), null);

        s.consume(Source.queue("slow"), ConsumeOptions.credit(1)).join();
        assertThat(third).isNotDone();
        assertThat(fourth).isNotDone();

        s.consume(Source.queue("slow"), ConsumeOptions.credit(1)).join();
        assertThat(third).isCompleted();
        assertThat(fourth).isCompleted();
    }

    @Test
    void purgingReleasesBlockedProducers() {
        s.send(Route.queue("slow"), TestBroker.text("1"), null).join();
        s.send(Route.queue("slow"), TestBroker.text("2"), null).join();
        CompletableFuture<SendResult> third = s.send(Route.queue("slow"), TestBroker.text("3"), null);

        s.admin().purgeQueue("slow").join();

        assertThat(third).isCompleted();
    }
}
