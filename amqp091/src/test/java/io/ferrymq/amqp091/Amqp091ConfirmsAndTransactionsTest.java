package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Publisher confirms (confirm.select, basic.ack/nack to the publisher) and the tx class, with the RabbitMQ client. */
class Amqp091ConfirmsAndTransactionsTest {

    private static EmbeddedAmqp091Broker broker;
    private Connection connection;
    private Channel ch;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void open() throws Exception {
        connection = broker.factory().newConnection();
        ch = connection.createChannel();
    }

    @AfterEach
    void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyPersistentPublishIsConfirmed() throws Exception {
        String q = "confirmed-" + System.nanoTime();
        ch.queueDeclare(q, true, false, false, null);
        ch.confirmSelect();
        for (int i = 0; i < 50; i++) {
            ch.basicPublish("", q, MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("m" + i));
        }
        ch.basicPublish("amq.direct", "unrouted", null, utf8("confirmed though unroutable"));
        ch.waitForConfirmsOrDie(10_000);
        assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(50);
        ch.queueDelete(q);
    }

    @Test
    void aPublishAFullQueueRefusesIsNacked() throws Exception {
        String q = ch.queueDeclare("", false, true, true, Map.of("x-max-length", 1, "x-overflow", "reject-publish"))
                .getQueue();
        ch.confirmSelect();
        List<Long> nacks = new CopyOnWriteArrayList<>();
        List<Long> acks = new CopyOnWriteArrayList<>();
        ch.addConfirmListener((tag, multiple) -> acks.add(tag), (tag, multiple) -> nacks.add(tag));
        ch.basicPublish("", q, null, utf8("fits"));
        ch.basicPublish("", q, null, utf8("does not fit"));
        await().atMost(Duration.ofSeconds(10)).until(() -> acks.size() + nacks.size() == 2);
        assertThat(acks).containsExactly(1L);
        assertThat(nacks).containsExactly(2L);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void committedPublishesAppearAndRolledBackOnesDoNot() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.txSelect();
        ch.basicPublish("", q, null, utf8("rolled back"));
        ch.txRollback();
        ch.basicPublish("", q, null, utf8("committed"));
        assertThat(ch.queueDeclarePassive(q).getMessageCount()).isZero();
        ch.txCommit();
        GetResponse r = ch.basicGet(q, true);
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("committed");
        assertThat(ch.basicGet(q, true)).isNull();
    }

    @Test
    void acksInATransactionTakeEffectAtCommit() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, null, utf8("in tx"));
        ch.txSelect();
        GetResponse r = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, false), x -> x != null);
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        ch.txCommit();
        ch.close();
        Channel c2 = connection.createChannel();
        assertThat(c2.queueDeclarePassive(q).getMessageCount()).isZero();
    }

    @Test
    void aRolledBackAckLeavesTheMessageUnackedOnTheChannelNotRequeued() throws Exception {
        // Not auto-delete: the queue outlives the consumer, to show nothing came back to it.
        String q = ch.queueDeclare("", false, true, false, null).getQueue();
        ch.basicPublish("", q, null, utf8("acked, then rolled back"));
        ch.txSelect();
        List<Long> tags = new CopyOnWriteArrayList<>();
        ch.basicConsume(q, false, (tag, d) -> tags.add(d.getEnvelope().getDeliveryTag()), tag -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> tags.size() == 1);
        ch.basicAck(tags.get(0), false);
        ch.txRollback();

        // Not requeued: nothing ready in the queue, nothing redelivered, and the tag is still the channel's to ack.
        assertThat(ch.queueDeclarePassive(q).getMessageCount()).isZero();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> tags.size() == 1);
        ch.basicAck(tags.get(0), false);
        ch.txCommit();
        assertThat(ch.isOpen()).isTrue();
        ch.close();
        Channel c2 = connection.createChannel();
        assertThat(c2.queueDeclarePassive(q).getMessageCount()).isZero();
    }

    @Test
    void aRolledBackAckIsRequeuedWhenTheChannelCloses() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, null, utf8("back after close"));
        ch.txSelect();
        GetResponse r = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, false), x -> x != null);
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        ch.txRollback();
        ch.close();
        Channel c2 = connection.createChannel();
        GetResponse again = await().atMost(Duration.ofSeconds(10)).until(() -> c2.basicGet(q, true), x -> x != null);
        assertThat(again.getEnvelope().isRedeliver()).isTrue();
    }

    @Test
    void commitWithoutSelectIsAPreconditionFailure() {
        assertThatThrownBy(() -> ch.txCommit())
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("channel is not transactional"));
    }

    @Test
    void confirmAndTxModesExcludeEachOther() throws Exception {
        ch.txSelect();
        assertThatThrownBy(() -> ch.confirmSelect())
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("cannot switch from tx to confirm mode"));
        Channel c2 = connection.createChannel();
        c2.confirmSelect();
        assertThatThrownBy(() -> c2.txSelect())
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("cannot switch from confirm to tx mode"));
    }
}
