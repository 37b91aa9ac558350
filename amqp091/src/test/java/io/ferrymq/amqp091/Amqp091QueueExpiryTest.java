package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    /** Asked of the broker itself: a passive declare would renew the lease, as in RabbitMQ. */
    private static boolean exists(String queue) {
        return broker.broker.vhost("/").queue(queue) != null;
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
    void aPassiveDeclareRenewsTheLease() throws Exception {
        String q = name("renewed");
        ch.queueDeclare(q, false, false, false, Map.of("x-expires", 1000));

        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10)).until(() -> {
            ch.queueDeclarePassive(q);
            return exists(q);
        });

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
