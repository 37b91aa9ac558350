package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full queue with overflow reject-publish refuses new messages: the send fails with
 * RESOURCE_LIMIT_EXCEEDED and the message is enqueued nowhere, not even in other queues it routes to.
 */
class RejectPublishOverflowTest {

    private TestBroker tb;
    private RecordingSink sink;
    private Session s;

    @BeforeEach
    void setUp() {
        tb = TestBroker.start();
        sink = new RecordingSink();
        s = tb.session(sink);
        s.admin().declareQueue(QueueDeclaration.durable("small").withArguments(
                Map.of("x-max-length", 2, "x-overflow", "reject-publish"))).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aSendToAFullQueueFails() {
        s.send(Route.queue("small"), TestBroker.text("1"), null).join();
        s.send(Route.queue("small"), TestBroker.text("2"), null).join();

        BrokerException e = failsWith(s.send(Route.queue("small"), TestBroker.text("3"), null),
                ErrorCode.RESOURCE_LIMIT_EXCEEDED);

        assertThat(e.getMessage()).contains("small");
        assertThat(tb.stats("small").ready()).isEqualTo(2);
    }

    @Test
    void aRejectedMessageIsEnqueuedInNoOtherQueue() {
        s.admin().declareExchange(ExchangeDeclaration.durable("fan", ExchangeType.FANOUT)).join();
        s.admin().declareQueue(QueueDeclaration.durable("big")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "big", "")).join();
        s.admin().bind(BindingDeclaration.queue("fan", "small", "")).join();
        s.send(Route.exchange("fan", ""), TestBroker.text("1"), null).join();
        s.send(Route.exchange("fan", ""), TestBroker.text("2"), null).join();

        failsWith(s.send(Route.exchange("fan", ""), TestBroker.text("3"), null), ErrorCode.RESOURCE_LIMIT_EXCEEDED);

        assertThat(tb.stats("big").ready()).isEqualTo(2);
        assertThat(tb.stats("small").ready()).isEqualTo(2);
    }

    @Test
    void consumingMakesRoomAgain() {
        s.send(Route.queue("small"), TestBroker.text("1"), null).join();
        s.send(Route.queue("small"), TestBroker.text("2"), null).join();
        s.consume(Source.queue("small"), ConsumeOptions.credit(1)).join();

        s.send(Route.queue("small"), TestBroker.text("3"), null).join();

        assertThat(tb.stats("small").ready()).isEqualTo(2);
    }

    @Test
    void maxBytesLimitsTheQueueToo() {
        long oneMessage = TestBroker.text("x").estimatedSize();
        s.admin().declareQueue(QueueDeclaration.durable("bytes").withArguments(
                Map.of("x-max-length-bytes", oneMessage * 2))).join();
        s.send(Route.queue("bytes"), TestBroker.text("1"), null).join();
        s.send(Route.queue("bytes"), TestBroker.text("2"), null).join();

        failsWith(s.send(Route.queue("bytes"), TestBroker.text("3"), null), ErrorCode.RESOURCE_LIMIT_EXCEEDED);
        assertThat(tb.stats("bytes").ready()).isEqualTo(2);
    }
}
