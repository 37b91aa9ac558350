package io.ferrymq.amqp091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Stream queues ({@code x-queue-type: stream}) as RabbitMQ serves them over AMQP 0-9-1, on the core's streams:
 * durable only, fed by exchanges like any queue, read by each consumer from an offset of its own with manual
 * acknowledgement and a prefetch limit, every message carrying its {@code x-stream-offset}, nothing removed by an ack.
 */
class Amqp091StreamQueueTest {

    private static final Map<String, Object> STREAM = Map.of("x-queue-type", "stream");

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

    private static String name(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private record Got(String body, long offset, long tag) { }

    /** Consumes with manual acks; the deliveries arrive in the returned queue, not acknowledged. */
    private static BlockingQueue<Got> consume(Channel c, String queue, Object offset) throws Exception {
        BlockingQueue<Got> inbox = new LinkedBlockingQueue<>();
        Map<String, Object> args = offset == null ? Map.of() : Map.of("x-stream-offset", offset);
        c.basicConsume(queue, false, args, new DefaultConsumer(c) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                inbox.add(new Got(new String(body, StandardCharsets.UTF_8),
                        ((Number) props.getHeaders().get("x-stream-offset")).longValue(), env.getDeliveryTag()));
            }
        });
        return inbox;
    }

    private static List<String> take(BlockingQueue<Got> inbox, int n, boolean ack, Channel c) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            Got g = inbox.poll(20, TimeUnit.SECONDS);
            assertThat(g).as("delivery %d of %d", i + 1, n).isNotNull();
            out.add(g.body() + "@" + g.offset());
            if (ack) {
                c.basicAck(g.tag(), false);
            }
        }
        return out;
    }

    private void publish(String exchange, String key, String... bodies) throws Exception {
        ch.confirmSelect();
        for (String b : bodies) {
            ch.basicPublish(exchange, key, null, b.getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(20_000);
    }

    @Test
    void messagesPublishedToAStreamAreReadFromTheFirstOffsetByEveryConsumerAndStayAfterAcks() throws Exception {
        String s = name("stream");
        ch.queueDeclare(s, true, false, false, STREAM);
        ch.queueBind(s, "amq.direct", "prices");
        publish("", s, "a", "b");
        publish("amq.direct", "prices", "c");

        Channel first = connection.createChannel();
        first.basicQos(10);
        assertThat(take(consume(first, s, "first"), 3, true, first)).containsExactly("a@0", "b@1", "c@2");

        Channel second = connection.createChannel();
        second.basicQos(10);
        assertThat(take(consume(second, s, "first"), 3, true, second))
                .as("acks removed nothing: another consumer reads it all").containsExactly("a@0", "b@1", "c@2");
    }

    @Test
    void aConsumerStartsAtTheOffsetItAsksFor() throws Exception {
        String s = name("offsets");
        ch.queueDeclare(s, true, false, false, STREAM);
        publish("", s, "m0", "m1", "m2", "m3");
        Channel c = connection.createChannel();
        c.basicQos(10);

        BlockingQueue<Got> sinceStart = consume(c, s, new java.util.Date(0));
        assertThat(take(sinceStart, 4, true, c)).containsExactly("m0@0", "m1@1", "m2@2", "m3@3");
        assertThat(take(consume(c, s, 2), 2, true, c)).containsExactly("m2@2", "m3@3");
        assertThat(take(consume(c, s, "last"), 1, true, c)).containsExactly("m3@3");
        BlockingQueue<Got> next = consume(c, s, "next");
        BlockingQueue<Got> byDefault = consume(c, s, null);
        BlockingQueue<Got> ahead = consume(c, s, 5);
        publish("", s, "m4", "m5");
        assertThat(take(next, 2, true, c)).containsExactly("m4@4", "m5@5");
        assertThat(take(byDefault, 2, true, c)).as("next is the default").containsExactly("m4@4", "m5@5");
        assertThat(take(ahead, 1, true, c)).as("an offset past the end waits for it").containsExactly("m5@5");
    }

    @Test
    void aConsumerHasAtMostItsPrefetchUnacknowledgedAndEachAckLetsOneMoreThrough() throws Exception {
        String s = name("prefetch");
        ch.queueDeclare(s, true, false, false, STREAM);
        publish("", s, "1", "2", "3", "4", "5");
        Channel c = connection.createChannel();
        c.basicQos(2);
        BlockingQueue<Got> inbox = consume(c, s, "first");

        List<String> firstTwo = take(inbox, 2, false, c);
        assertThat(firstTwo).containsExactly("1@0", "2@1");
        assertThat(inbox.poll(300, TimeUnit.MILLISECONDS)).as("the prefetch is used up").isNull();
        c.basicAck(0, true);
        assertThat(take(inbox, 2, false, c)).containsExactly("3@2", "4@3");
    }

    @Test
    void aStreamMustBeDurableAndNeitherExclusiveNorAutoDelete() throws Exception {
        String s = name("bad");
        assertThatThrownBy(() -> connection.createChannel().queueDeclare(s, false, false, false, STREAM))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("invalid property 'non-durable' for queue '" + s + "' in vhost '/'"));
        assertThatThrownBy(() -> connection.createChannel().queueDeclare(s, true, true, false, STREAM))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("invalid property 'exclusive-owner' for queue '" + s + "'"));
        assertThatThrownBy(() -> connection.createChannel().queueDeclare(s, true, false, true, STREAM))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("invalid property 'auto-delete' for queue '" + s + "'"));
        assertThatThrownBy(() -> connection.createChannel().queueDeclare(s, true, false, false,
                Map.of("x-queue-type", "stream", "x-max-age", "soon")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-max-age"));
        assertThatThrownBy(() -> connection.createChannel().queueDeclare(s, true, false, false,
                Map.of("x-max-age", "7D")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("only for stream queues"));
    }

    @Test
    void aStreamIsDeclaredWithRetentionArgumentsAndRedeclaredAsItIs() throws Exception {
        String s = name("retained");
        Map<String, Object> args = Map.of("x-queue-type", "stream", "x-max-age", "7D",
                "x-max-length-bytes", 20_000_000_000L, "x-stream-max-segment-size-bytes", 100_000_000);
        ch.queueDeclare(s, true, false, false, args);
        ch.queueDeclare(s, true, false, false, args);
        publish("", s, "kept");
        Channel c = connection.createChannel();
        c.basicQos(1);
        assertThat(take(consume(c, s, "first"), 1, true, c)).containsExactly("kept@0");
    }

    @Test
    void consumingAStreamNeedsAPrefetchLimit() throws Exception {
        String s = name("noqos");
        ch.queueDeclare(s, true, false, false, STREAM);
        Channel c = connection.createChannel();
        assertThatThrownBy(() -> consume(c, s, "first"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("consumer prefetch count is not set for 'queue '" + s + "' in vhost '/''"));
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void aStreamDoesNotTakeAChannelsGlobalPrefetch() throws Exception {
        String s = name("global");
        ch.queueDeclare(s, true, false, false, STREAM);
        Channel c = connection.createChannel();
        c.basicQos(10);
        c.basicQos(10, true);
        assertThatThrownBy(() -> consume(c, s, "first"))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=540")
                        .contains("queue '" + s + "' in vhost '/' does not support global qos"));
    }

    @Test
    void consumingAStreamWithAutomaticAcknowledgementIsNotImplemented() throws Exception {
        String s = name("autoack");
        ch.queueDeclare(s, true, false, false, STREAM);
        Channel c = connection.createChannel();
        c.basicQos(10);
        assertThatThrownBy(() -> c.basicConsume(s, true, new DefaultConsumer(c)))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=540")
                        .contains("automatic acknowledgement not supported by stream queues"));
    }

    @Test
    void deletingAStreamQueueDeletesItsStream() throws Exception {
        String s = name("deleted");
        ch.queueDeclare(s, true, false, false, STREAM);
        publish("", s, "old");
        ch.queueDelete(s);
        ch.queueDeclare(s, true, false, false, STREAM);
        publish("", s, "new");
        Channel c = connection.createChannel();
        c.basicQos(10);
        assertThat(take(consume(c, s, "first"), 1, true, c)).containsExactly("new@0");
        await().atMost(Duration.ofSeconds(5)).until(connection::isOpen);
    }
}
