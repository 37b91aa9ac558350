package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * basic.qos with global=true as RabbitMQ 3.x has it: one limit shared by all the channel's consumers,
 * applied at once to consumers already there, and together with a per-consumer (global=false) limit when
 * both are set.
 */
class Amqp091GlobalQosTest {

    private static final Duration STEADY = Duration.ofMillis(500);
    private static final Duration WITHIN = Duration.ofSeconds(10);

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

    private String queueWith(int messages) throws Exception {
        String q = ch.queueDeclare().getQueue();
        for (int i = 0; i < messages; i++) {
            ch.basicPublish("", q, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(WITHIN).until(() -> ch.queueDeclarePassive(q).getMessageCount() == messages);
        return q;
    }

    private List<Delivery> consume(String queue) throws Exception {
        List<Delivery> got = new CopyOnWriteArrayList<>();
        ch.basicConsume(queue, false, (tag, d) -> got.add(d), tag -> { });
        return got;
    }

    private static void steady(List<?> a, List<?> b, int total) {
        await().atMost(WITHIN).until(() -> a.size() + b.size() == total);
        await().during(STEADY).atMost(WITHIN).until(() -> a.size() + b.size() == total);
    }

    @Test
    void aGlobalLimitIsSharedByTheChannelsConsumers() throws Exception {
        String q1 = queueWith(5);
        String q2 = queueWith(5);
        ch.basicQos(3, true);
        List<Delivery> a = consume(q1);
        List<Delivery> b = consume(q2);
        steady(a, b, 3);

        Delivery first = a.isEmpty() ? b.get(0) : a.get(0);
        ch.basicAck(first.getEnvelope().getDeliveryTag(), false);
        steady(a, b, 4);

        // Acking everything so far lets the rest of both queues through, three at a time.
        while (a.size() + b.size() < 10) {
            int seen = a.size() + b.size();
            long last = Math.max(a.isEmpty() ? 0 : a.get(a.size() - 1).getEnvelope().getDeliveryTag(),
                    b.isEmpty() ? 0 : b.get(b.size() - 1).getEnvelope().getDeliveryTag());
            ch.basicAck(last, true);
            await().atMost(WITHIN).until(() -> a.size() + b.size() > seen);
        }
        assertThat(a).hasSize(5);
        assertThat(b).hasSize(5);
    }

    @Test
    void aPerConsumerLimitStillAppliesUnderALooserGlobalOne() throws Exception {
        String q1 = queueWith(5);
        String q2 = queueWith(5);
        ch.basicQos(1, false);
        ch.basicQos(10, true);
        List<Delivery> a = consume(q1);
        List<Delivery> b = consume(q2);
        steady(a, b, 2);
        assertThat(a).hasSize(1);
        assertThat(b).hasSize(1);
    }

    @Test
    void aTighterGlobalLimitCapsConsumersWithTheirOwnLimits() throws Exception {
        String q1 = queueWith(5);
        String q2 = queueWith(5);
        String q3 = queueWith(5);
        ch.basicQos(2, false);
        ch.basicQos(3, true);
        List<Delivery> a = consume(q1);
        List<Delivery> b = consume(q2);
        List<Delivery> c = consume(q3);
        await().atMost(WITHIN).until(() -> a.size() + b.size() + c.size() == 3);
        await().during(STEADY).atMost(WITHIN).until(() -> a.size() + b.size() + c.size() == 3);
        assertThat(List.of(a.size(), b.size(), c.size())).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    }

    @Test
    void aGlobalLimitAppliesToConsumersAlreadyThere() throws Exception {
        String q1 = queueWith(0);
        List<Delivery> a = consume(q1);
        ch.basicQos(2, true);
        for (int i = 0; i < 6; i++) {
            ch.basicPublish("", q1, null, ("late" + i).getBytes(StandardCharsets.UTF_8));
        }
        steady(a, List.of(), 2);
        ch.basicQos(0, true);
        steady(a, List.of(), 6);
    }
}
