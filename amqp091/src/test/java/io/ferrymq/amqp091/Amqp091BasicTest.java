package io.ferrymq.amqp091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The basic class with the RabbitMQ client: qos, consume, cancel, publish, return, get, ack/nack/reject, recover. */
class Amqp091BasicTest {

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

    private static String text(Delivery d) {
        return new String(d.getBody(), StandardCharsets.UTF_8);
    }

    private static Delivery take(BlockingQueue<Delivery> q) throws InterruptedException {
        Delivery d = q.poll(10, TimeUnit.SECONDS);
        assertThat(d).as("a delivery within 10 s").isNotNull();
        return d;
    }

    private String consume(String queue, boolean autoAck, BlockingQueue<Delivery> into) throws Exception {
        return ch.basicConsume(queue, autoAck, (tag, d) -> into.add(d), tag -> { });
    }

    @Test
    void everyContentPropertyCrossesTheBroker() throws Exception {
        String q = ch.queueDeclare().getQueue();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json").contentEncoding("gzip")
                .headers(Map.of("str", "v", "int", 7, "long", 8L, "bool", true))
                .deliveryMode(2).priority(7).correlationId("corr").replyTo("reply-q").expiration("60000")
                .messageId("mid").timestamp(new Date(1_700_000_000_000L)).type("order.created").userId("guest")
                .appId("billing").build();
        ch.basicPublish("", q, props, utf8("{}"));
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        consume(q, true, got);
        Delivery d = take(got);
        AMQP.BasicProperties p = d.getProperties();
        assertThat(p.getContentType()).isEqualTo("application/json");
        assertThat(p.getContentEncoding()).isEqualTo("gzip");
        assertThat(p.getHeaders().get("str")).hasToString("v");
        assertThat(p.getHeaders()).containsEntry("int", 7).containsEntry("long", 8L).containsEntry("bool", true);
        assertThat(p.getDeliveryMode()).isEqualTo(2);
        assertThat(p.getPriority()).isEqualTo(7);
        assertThat(p.getCorrelationId()).isEqualTo("corr");
        assertThat(p.getReplyTo()).isEqualTo("reply-q");
        assertThat(Long.parseLong(p.getExpiration())).isBetween(1L, 60000L);
        assertThat(p.getMessageId()).isEqualTo("mid");
        assertThat(p.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(p.getType()).isEqualTo("order.created");
        assertThat(p.getUserId()).isEqualTo("guest");
        assertThat(p.getAppId()).isEqualTo("billing");
        assertThat(d.getEnvelope().getExchange()).isEmpty();
        assertThat(d.getEnvelope().getRoutingKey()).isEqualTo(q);
        assertThat(d.getEnvelope().isRedeliver()).isFalse();
        assertThat(text(d)).isEqualTo("{}");
    }

    @Test
    void aUserIdOtherThanTheAuthenticatedUserIsAPreconditionFailure() throws Exception {
        ch.basicPublish("", "anywhere", new AMQP.BasicProperties.Builder().userId("mallory").build(), utf8("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        assertThat(describe(ch.getCloseReason())).contains("reply-code=406")
                .contains("user_id property set to 'mallory' but authenticated user was 'guest'");
    }

    @Test
    void anUnparsableExpirationIsAPreconditionFailure() throws Exception {
        ch.basicPublish("", "anywhere", new AMQP.BasicProperties.Builder().expiration("soon").build(), utf8("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        assertThat(describe(ch.getCloseReason())).contains("reply-code=406").contains("invalid expiration 'soon'");
    }

    @Test
    void publishingToAMissingExchangeClosesTheChannelWithNotFound() throws Exception {
        ch.basicPublish("no-such-exchange", "k", null, utf8("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        assertThat(describe(ch.getCloseReason())).contains("reply-code=404").contains("no exchange 'no-such-exchange'");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void anUnroutableMandatoryPublishComesBackWithNoRoute() throws Exception {
        List<Return> returns = new CopyOnWriteArrayList<>();
        ch.addReturnListener(returns::add);
        ch.basicPublish("amq.direct", "nobody-bound", true, new AMQP.BasicProperties.Builder().messageId("m1").build(),
                utf8("back"));
        ch.basicPublish("", "no-such-queue", true, null, utf8("back too"));
        ch.basicPublish("amq.direct", "nobody-bound", false, null, utf8("dropped silently"));
        await().atMost(Duration.ofSeconds(10)).until(() -> returns.size() == 2);
        Return r = returns.get(0);
        assertThat(r.getReplyCode()).isEqualTo(312);
        assertThat(r.getReplyText()).isEqualTo("NO_ROUTE");
        assertThat(r.getExchange()).isEqualTo("amq.direct");
        assertThat(r.getRoutingKey()).isEqualTo("nobody-bound");
        assertThat(r.getProperties().getMessageId()).isEqualTo("m1");
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("back");
        assertThat(returns.get(1).getRoutingKey()).isEqualTo("no-such-queue");
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void prefetchLimitsUnackedDeliveriesPerConsumer() throws Exception {
        String q = ch.queueDeclare().getQueue();
        for (int i = 0; i < 10; i++) {
            ch.basicPublish("", q, null, utf8("m" + i));
        }
        ch.basicQos(3);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        consume(q, false, got);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        Delivery first = got.peek();
        ch.basicAck(first.getEnvelope().getDeliveryTag(), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 4);
        // multiple=true settles the first four: four more may come.
        List<Delivery> all = List.copyOf(got);
        ch.basicAck(all.get(3).getEnvelope().getDeliveryTag(), true);
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 7);
    }

    @Test
    void qosWithAPrefetchSizeIsNotImplemented() {
        assertThatThrownBy(() -> ch.basicQos(1000, 10, false))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=540"));
    }

    @Test
    void serverGeneratedAndClientChosenConsumerTagsAndCancel() throws Exception {
        String q = ch.queueDeclare().getQueue();
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        String generated = consume(q, true, got);
        assertThat(generated).startsWith("amq.ctag-");
        List<String> cancelled = new CopyOnWriteArrayList<>();
        String mine = ch.basicConsume(q, true, "my-tag", (tag, d) -> got.add(d), (CancelCallback) cancelled::add);
        assertThat(mine).isEqualTo("my-tag");
        ch.basicCancel(generated);
        ch.basicPublish("", q, null, utf8("after cancel"));
        assertThat(take(got).getEnvelope().getDeliveryTag()).isPositive();
        assertThat(cancelled).isEmpty(); // a client's own cancel is not a server cancel
    }

    @Test
    void cancellingAConsumerLeavesItsUnackedMessagesWithTheChannel() throws Exception {
        String q = ch.queueDeclare("", false, true, false, null).getQueue(); // not auto-delete: it outlives the consumer
        ch.basicPublish("", q, null, utf8("kept"));
        ch.basicPublish("", q, null, utf8("next"));
        ch.basicQos(1);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        String tag = consume(q, false, got);
        Delivery d = take(got);
        ch.basicCancel(tag);
        // As in RabbitMQ the delivery stays unacknowledged with the channel: acking it after the cancel works.
        ch.basicAck(d.getEnvelope().getDeliveryTag(), false);
        GetResponse next = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, true), x -> x != null);
        assertThat(new String(next.getBody(), StandardCharsets.UTF_8)).isEqualTo("next");
        assertThat(next.getEnvelope().isRedeliver()).isFalse();
        assertThat(ch.basicGet(q, true)).isNull();
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void deletingAQueueCancelsItsConsumersWithABasicCancel() throws Exception {
        String q = "cancel-me-" + System.nanoTime();
        ch.queueDeclare(q, false, false, false, null);
        List<String> cancelled = new CopyOnWriteArrayList<>();
        String tag = ch.basicConsume(q, true, (t, d) -> { }, (CancelCallback) cancelled::add);
        try (Connection other = broker.factory().newConnection()) {
            other.createChannel().queueDelete(q);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cancelled.contains(tag));
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void anExclusiveConsumerLocksTheQueue() throws Exception {
        String q = "excl-consumer-" + System.nanoTime();
        ch.queueDeclare(q, false, false, true, null);
        ch.basicConsume(q, true, "", false, true, null, (t, d) -> { }, t -> { });
        Channel other = connection.createChannel();
        assertThatThrownBy(() -> other.basicConsume(q, true, (t, d) -> { }, t -> { }))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=403")
                        .contains("has an exclusive consumer"));
    }

    @Test
    void getReturnsOneMessageOrGetEmpty() throws Exception {
        String q = ch.queueDeclare().getQueue();
        assertThat(ch.basicGet(q, true)).isNull();
        ch.basicPublish("", q, null, utf8("a"));
        ch.basicPublish("", q, null, utf8("b"));
        GetResponse r = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, false), x -> x != null);
        assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(r.getMessageCount()).isEqualTo(1);
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
        assertThat(new String(ch.basicGet(q, true).getBody(), StandardCharsets.UTF_8)).isEqualTo("b");
        assertThat(ch.basicGet(q, true)).isNull();
    }

    @Test
    void getFromAMissingQueueIsNotFound() {
        assertThatThrownBy(() -> ch.basicGet("no-queue-here", true))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=404"));
    }

    @Test
    void nackWithRequeueRedeliversWithTheRedeliveredFlag() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, null, utf8("again"));
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        consume(q, false, got);
        Delivery first = take(got);
        assertThat(first.getEnvelope().isRedeliver()).isFalse();
        ch.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        Delivery second = take(got);
        assertThat(text(second)).isEqualTo("again");
        assertThat(second.getEnvelope().isRedeliver()).isTrue();
        ch.basicReject(second.getEnvelope().getDeliveryTag(), true);
        Delivery third = take(got);
        assertThat(third.getEnvelope().isRedeliver()).isTrue();
        ch.basicAck(third.getEnvelope().getDeliveryTag(), false);
    }

    @Test
    void rejectWithoutRequeueDeadLettersAndMultipleNackCoversEarlierTags() throws Exception {
        String dead = "dead-" + System.nanoTime();
        ch.queueDeclare(dead, false, false, true, null);
        String q = ch.queueDeclare("", false, true, true, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dead)).getQueue();
        for (String s : new String[] {"r1", "r2", "r3"}) {
            ch.basicPublish("", q, null, utf8(s));
        }
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        consume(q, false, got);
        Delivery d1 = take(got);
        take(got);
        Delivery d3 = take(got);
        ch.basicReject(d1.getEnvelope().getDeliveryTag(), false);
        ch.basicNack(d3.getEnvelope().getDeliveryTag(), true, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> ch.queueDeclarePassive(dead).getMessageCount() == 3);
    }

    @Test
    void recoverRedeliversEverythingUnacked() throws Exception {
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, null, utf8("x"));
        ch.basicPublish("", q, null, utf8("y"));
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        consume(q, false, got);
        take(got);
        take(got);
        ch.basicRecover(true);
        Delivery again = take(got);
        assertThat(again.getEnvelope().isRedeliver()).isTrue();
        take(got);
    }

    @Test
    void recoverWithoutRequeueIsNotImplemented() {
        assertThatThrownBy(() -> ch.basicRecover(false))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=540"));
    }

    @Test
    void anUnknownDeliveryTagIsAPreconditionFailure() throws Exception {
        ch.basicAck(42, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        assertThat(describe(ch.getCloseReason())).contains("reply-code=406").contains("unknown delivery tag 42");
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void closingAChannelReturnsItsUnackedMessages() throws Exception {
        String q = "returned-" + System.nanoTime();
        ch.queueDeclare(q, false, false, true, null);
        ch.basicPublish("", q, null, utf8("held"));
        Channel c2 = connection.createChannel();
        GetResponse held = await().atMost(Duration.ofSeconds(10)).until(() -> c2.basicGet(q, false), x -> x != null);
        assertThat(held.getEnvelope().isRedeliver()).isFalse();
        c2.close();
        GetResponse back = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, true), x -> x != null);
        assertThat(back.getEnvelope().isRedeliver()).isTrue();
    }
}
