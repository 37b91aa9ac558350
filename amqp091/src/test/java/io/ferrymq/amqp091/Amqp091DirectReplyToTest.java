package io.ferrymq.amqp091;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.RpcClient;
import com.rabbitmq.client.RpcClientParams;
import com.rabbitmq.client.StringRpcServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Direct reply-to ({@code amq.rabbitmq.reply-to}) with the RabbitMQ client: its RpcClient uses it by default,
 * so a round trip through RpcServer is the way legacy RPC code exercises it.
 */
class Amqp091DirectReplyToTest {

    private static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";

    private static EmbeddedAmqp091Broker broker;
    private Connection client;
    private Connection server;

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
        client = broker.factory().newConnection();
        server = broker.factory().newConnection();
    }

    @AfterEach
    void close() throws Exception {
        for (Connection c : List.of(client, server)) {
            if (c.isOpen()) {
                c.close();
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anRpcClientGetsItsRepliesThroughTheReplyToPseudoQueue() throws Exception {
        Channel serverCh = server.createChannel();
        String requests = serverCh.queueDeclare().getQueue();
        List<String> replyTos = new CopyOnWriteArrayList<>();
        StringRpcServer rpcServer = new StringRpcServer(serverCh, requests) {
            @Override
            public String handleStringCall(String request, AMQP.BasicProperties replyProperties) {
                return request.toUpperCase();
            }

            @Override
            public byte[] handleCall(Delivery request, AMQP.BasicProperties replyProperties) {
                replyTos.add(request.getProperties().getReplyTo());
                return super.handleCall(request, replyProperties);
            }
        };
        Thread serving = new Thread(() -> {
            try {
                rpcServer.mainloop();
            } catch (Exception e) {
                // the server's channel closes at the end of the test
            }
        });
        serving.start();
        try {
            RpcClient rpc = new RpcClient(new RpcClientParams().channel(client.createChannel()).exchange("")
                    .routingKey(requests).timeout(10_000));
            assertThat(rpc.stringCall("hello")).isEqualTo("HELLO");
            assertThat(rpc.stringCall("again")).isEqualTo("AGAIN");
            // The server saw the generated address, not the pseudo-queue's name.
            assertThat(replyTos).hasSize(2)
                    .allSatisfy(r -> assertThat(r).startsWith(PSEUDO_QUEUE + ".").isNotEqualTo(PSEUDO_QUEUE + "."));
            rpc.close();
        } finally {
            rpcServer.terminateMainloop();
            // The main loop waits for the next request: an interrupt makes it see it should stop.
            serving.interrupt();
            serving.join(10_000);
        }
    }

    @Test
    void aReplyGoesStraightToTheConsumerThroughNoQueue() throws Exception {
        Channel ch = client.createChannel();
        BlockingQueue<Delivery> replies = new LinkedBlockingQueue<>();
        String tag = ch.basicConsume(PSEUDO_QUEUE, true, (t, d) -> replies.add(d), t -> { });
        Channel serverCh = server.createChannel();
        String requests = serverCh.queueDeclare().getQueue();
        assertThat(ch.queueDeclarePassive(PSEUDO_QUEUE).getQueue()).isEqualTo(PSEUDO_QUEUE);

        // Published by another connection to the default exchange, to the address the request carried.
        ch.basicPublish("", requests, new AMQP.BasicProperties.Builder().replyTo(PSEUDO_QUEUE).build(), utf8("r2"));
        var got = await().atMost(Duration.ofSeconds(10)).until(() -> serverCh.basicGet(requests, true), r -> r != null);
        String address = got.getProps().getReplyTo();
        assertThat(serverCh.queueDeclarePassive(address).getQueue()).isEqualTo(address);
        serverCh.confirmSelect();
        serverCh.basicPublish("", address, new AMQP.BasicProperties.Builder().correlationId("c2").build(),
                utf8("the reply"));
        serverCh.waitForConfirmsOrDie(10_000);
        Delivery reply = replies.poll(10, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(new String(reply.getBody(), StandardCharsets.UTF_8)).isEqualTo("the reply");
        assertThat(reply.getProperties().getCorrelationId()).isEqualTo("c2");
        assertThat(reply.getEnvelope().getRoutingKey()).isEqualTo(address);
        assertThat(reply.getEnvelope().getExchange()).isEmpty();
        assertThat(tag).isNotEmpty();
    }

    @Test
    void aReplyToAGoneConsumerIsDroppedAndThePublisherCarriesOn() throws Exception {
        Channel ch = client.createChannel();
        String tag = ch.basicConsume(PSEUDO_QUEUE, true, (t, d) -> { }, t -> { });
        Channel serverCh = server.createChannel();
        String requests = serverCh.queueDeclare().getQueue();
        ch.basicPublish("", requests, new AMQP.BasicProperties.Builder().replyTo(PSEUDO_QUEUE).build(), utf8("q"));
        var got = await().atMost(Duration.ofSeconds(10)).until(() -> serverCh.basicGet(requests, true), r -> r != null);
        String address = got.getProps().getReplyTo();
        ch.basicCancel(tag);

        serverCh.confirmSelect();
        serverCh.basicPublish("", address, null, utf8("nobody listens"));
        serverCh.waitForConfirmsOrDie(10_000);
        assertThat(serverCh.isOpen()).isTrue();
        assertThatThrownBy(() -> serverCh.queueDeclarePassive(address))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=404"));
    }

    @Test
    void requestingAReplyWithoutConsumingRepliesIsAPreconditionFailure() throws Exception {
        Channel ch = client.createChannel();
        String q = ch.queueDeclare().getQueue();
        ch.basicPublish("", q, new AMQP.BasicProperties.Builder().replyTo(PSEUDO_QUEUE).build(), utf8("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !ch.isOpen());
        assertThat(describe(ch.getCloseReason())).contains("reply-code=406")
                .contains("fast reply consumer does not exist");
    }

    @Test
    void theReplyConsumerMustBeNoAckAndSingle() throws Exception {
        Channel ch = client.createChannel();
        assertThatThrownBy(() -> ch.basicConsume(PSEUDO_QUEUE, false, (t, d) -> { }, t -> { }))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("reply consumer cannot acknowledge"));
        Channel ch2 = client.createChannel();
        ch2.basicConsume(PSEUDO_QUEUE, true, (t, d) -> { }, t -> { });
        assertThatThrownBy(() -> ch2.basicConsume(PSEUDO_QUEUE, true, (t, d) -> { }, t -> { }))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406")
                        .contains("reply consumer already set"));
    }
}
