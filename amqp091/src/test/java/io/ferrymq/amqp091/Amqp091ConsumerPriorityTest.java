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
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * basic.consume's {@code x-priority} with the RabbitMQ client: the higher priority consumer gets messages
 * while its prefetch allows, the lower one only the overflow.
 */
class Amqp091ConsumerPriorityTest {

    private static EmbeddedAmqp091Broker broker;
    private Connection connection;

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
    }

    @AfterEach
    void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    /** Records bodies and delivery tags, never acknowledging by itself. */
    private static final class Recorder extends DefaultConsumer {
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<Long> tags = new CopyOnWriteArrayList<>();

        Recorder(Channel ch) {
            super(ch);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                                   byte[] body) {
            tags.add(envelope.getDeliveryTag());
            bodies.add(new String(body, StandardCharsets.UTF_8));
        }
    }

    @Test
    void theHigherPriorityConsumerIsServedFirstAndTheLowerOneOnlyWhenItIsFull() throws Exception {
        String q = "prio-" + UUID.randomUUID();
        Channel producer = connection.createChannel();
        producer.queueDeclare(q, false, false, false, null);
        Channel lowCh = connection.createChannel();
        lowCh.basicQos(10);
        Recorder low = new Recorder(lowCh);
        lowCh.basicConsume(q, false, Map.of("x-priority", -5), low);
        Channel highCh = connection.createChannel();
        highCh.basicQos(2);
        Recorder high = new Recorder(highCh);
        highCh.basicConsume(q, false, Map.of("x-priority", 10), high);

        for (int i = 1; i <= 5; i++) {
            producer.basicPublish("", q, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> high.bodies.size() + low.bodies.size() == 5);
        assertThat(high.bodies).containsExactly("m1", "m2");
        assertThat(low.bodies).containsExactly("m3", "m4", "m5");

        highCh.basicAck(high.tags.get(0), false);
        producer.basicPublish("", q, null, "m6".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> high.bodies.size() == 3);
        assertThat(high.bodies).containsExactly("m1", "m2", "m6");
        assertThat(low.bodies).hasSize(3);
    }

    @Test
    void aPriorityThatIsNotANumberIsAPreconditionFailure() throws Exception {
        Channel ch = connection.createChannel();
        String q = ch.queueDeclare().getQueue();
        assertThatThrownBy(() -> ch.basicConsume(q, true, Map.of("x-priority", "high"), new DefaultConsumer(ch)))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-priority"));
    }
    @Test
    void onASingleActiveConsumerQueueAHigherPriorityConsumerTakesOverOnceTheActiveOneHasAckedWhatItHolds()
            throws Exception {
        String q = "sac-prio-" + UUID.randomUUID();
        Channel producer = connection.createChannel();
        producer.queueDeclare(q, true, false, false, Map.of("x-single-active-consumer", true));
        Channel lowCh = connection.createChannel();
        lowCh.basicQos(2);
        Recorder low = new Recorder(lowCh);
        lowCh.basicConsume(q, false, low);
        producer.confirmSelect();
        for (int i = 1; i <= 4; i++) {
            producer.basicPublish("", q, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        producer.waitForConfirmsOrDie(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> low.bodies.size() == 2);

        Channel highCh = connection.createChannel();
        highCh.basicQos(10);
        Recorder high = new Recorder(highCh);
        highCh.basicConsume(q, false, Map.of("x-priority", 10), high);
        lowCh.basicAck(low.tags.get(0), false);
        // A round trip on each channel: whatever the broker was going to send has been sent.
        lowCh.basicQos(2);
        highCh.basicQos(10);
        assertThat(high.bodies).as("the active consumer still holds m2").isEmpty();
        assertThat(low.bodies).as("and gets nothing more while handing over").containsExactly("m1", "m2");

        lowCh.basicAck(low.tags.get(1), false);
        await().atMost(Duration.ofSeconds(10)).until(() -> high.bodies.size() == 2);
        assertThat(high.bodies).containsExactly("m3", "m4");
        assertThat(low.bodies).containsExactly("m1", "m2");
    }
}
