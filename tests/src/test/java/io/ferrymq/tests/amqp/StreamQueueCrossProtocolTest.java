package io.ferrymq.tests.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.support.StompTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream queue declared over AMQP 0-9-1 takes what any protocol sends to its name: a STOMP SEND to
 * {@code /queue/S} is appended to the stream and read by an AMQP 0-9-1 stream consumer with its offset.
 */
class StreamQueueCrossProtocolTest {

    private static MatrixBroker broker;

    @BeforeAll
    static void start() {
        broker = MatrixBroker.inMemory();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aStompSendToAStreamQueueIsReadByAnAmqp091StreamConsumer() throws Exception {
        String stream = "xstream-" + UUID.randomUUID();
        ConnectionFactory f = new ConnectionFactory();
        f.setPort(broker.mixedPort());
        f.setUsername(MatrixBroker.USER);
        f.setPassword(MatrixBroker.PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        try (Connection c = f.newConnection(); StompTestClient stomp = StompTestClient.connect(broker.mixedPort())) {
            Channel ch = c.createChannel();
            ch.queueDeclare(stream, true, false, false, Map.of("x-queue-type", "stream"));
            StompHeaders h = new StompHeaders();
            h.setDestination("/queue/" + stream);
            h.set("origin", "stomp");
            stomp.send(h, "from stomp");

            ch.basicQos(5);
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            ch.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    got.add(new String(body, StandardCharsets.UTF_8) + "|" + props.getHeaders().get("origin") + "|"
                            + props.getHeaders().get("x-stream-offset"));
                }
            });
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("from stomp|stomp|0");
        }
    }
}
