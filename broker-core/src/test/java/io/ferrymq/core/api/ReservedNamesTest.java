package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.core.vhost.QueueInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Names starting with {@code amq.} belong to the broker: clients may not create or delete them. */
class ReservedNamesTest {

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
    void aClientMayNotDeclareAnAmqQueue() {
        BrokerException e = failsWith(s.admin().declareQueue(QueueDeclaration.durable("amq.mine")),
                ErrorCode.UNAUTHORIZED);

        assertThat(e.getMessage()).contains("amq.mine", "reserved");
        assertThat(tb.queue("amq.mine")).isNull();
    }

    @Test
    void aClientMayNotCreateAnAmqQueueBySendingToIt() {
        failsWith(s.send(Route.queue("amq.sneaky"), TestBroker.text("m"), null), ErrorCode.UNAUTHORIZED);

        assertThat(tb.queue("amq.sneaky")).isNull();
    }

    @Test
    void aClientMayNotCreateAnAmqQueueAsADurableSubscription() {
        failsWith(s.consume(Source.topic(TopicSubscription.durable("amq.topic", "a.#", "amq.sub")),
                ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);

        assertThat(tb.queue("amq.sub")).isNull();
    }

    @Test
    void anUnnamedQueueGetsAServerGeneratedAmqName() {
        QueueInfo info = s.admin().declareQueue(QueueDeclaration.temporary("")).join();

        assertThat(info.name()).startsWith("amq.gen-");
        assertThat(tb.queue(info.name())).isNotNull();
    }

    @Test
    void aClientMayNotDeclareOrDeleteAnAmqExchange() {
        failsWith(s.admin().declareExchange(ExchangeDeclaration.durable("amq.custom", ExchangeType.TOPIC)),
                ErrorCode.UNAUTHORIZED);
        failsWith(s.admin().deleteExchange("amq.topic", false), ErrorCode.UNAUTHORIZED);
        failsWith(s.admin().deleteExchange("", false), ErrorCode.UNAUTHORIZED);

        assertThat(tb.vhost().exchange("amq.custom")).isNull();
        assertThat(tb.vhost().exchange("amq.topic")).isNotNull();
    }

    @Test
    void redeclaringABuiltInExchangeWithItsOwnTypeIsFine() {
        s.admin().declareExchange(ExchangeDeclaration.durable("amq.topic", ExchangeType.TOPIC)).join();

        failsWith(s.admin().declareExchange(ExchangeDeclaration.durable("amq.topic", ExchangeType.FANOUT)),
                ErrorCode.PRECONDITION_FAILED);
    }
}
