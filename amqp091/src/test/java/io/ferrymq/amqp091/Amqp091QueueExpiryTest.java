package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code x-expires} with the RabbitMQ client: an unused queue goes after its lease, a consumed one stays. */
class Amqp091QueueExpiryTest {

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

    /** A passive declare on a channel of its own, since a 404 closes the channel. */
    private boolean exists(String queue) throws IOException {
        Channel probe = connection.createChannel();
        try {
            probe.queueDeclarePassive(queue);
            probe.close();
            return true;
        } catch (IOException e) {
            return false;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Test
    void anUnusedDurableQueueIsDeletedAfterItsLease() throws Exception {
        String q = name("expiring");
        ch.queueDeclare(q, true, false, false, Map.of("x-expires", 300));
        ch.basicPublish("", q, null, "kept?".getBytes());

        await().atMost(Duration.ofSeconds(10)).until(() -> !exists(q));
    }

    @Test
    void aQueueWithAConsumerStaysAndGoesALeaseAfterTheConsumerIsCancelled() throws Exception {
        String q = name("consumed");
        ch.queueDeclare(q, false, false, false, Map.of("x-expires", 300));
        String tag = ch.basicConsume(q, true, new DefaultConsumer(ch));

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() -> exists(q));

        ch.basicCancel(tag);
        await().atMost(Duration.ofSeconds(10)).until(() -> !exists(q));
    }

    @Test
    void leasesThatAreNotPositiveWholeNumbersArePreconditionFailures() throws Exception {
        assertThatThrownBy(() -> ch.queueDeclare(name("zero"), false, false, false, Map.of("x-expires", 0)))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-expires"));
        Channel c2 = connection.createChannel();
        assertThatThrownBy(() -> c2.queueDeclare(name("text"), false, false, false, Map.of("x-expires", "1000")))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-expires"));
        Channel c3 = connection.createChannel();
        assertThatThrownBy(() -> c3.queueDeclare(name("negative"), false, false, false, Map.of("x-expires", -1)))
                .satisfies(e -> assertThat(describe(e)).contains("reply-code=406").contains("x-expires"));
    }
}
