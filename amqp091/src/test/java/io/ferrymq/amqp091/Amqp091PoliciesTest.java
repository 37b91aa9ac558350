package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.OverflowPolicy;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Policies from {@code broker.yaml} meet queue.declare's arguments as in RabbitMQ: for a limit the stricter
 * of the two applies, for the rest (overflow, dead-lettering) the argument wins.
 */
class Amqp091PoliciesTest {

    private static EmbeddedAmqp091Broker broker;
    private Connection connection;
    private Channel ch;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.builder()
                .policy(AddressPolicy.matching("capped.#").withLimits(3L, null, OverflowPolicy.REJECT_PUBLISH))
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @BeforeEach
    void open() throws Exception {
        connection = broker.factory().newConnection();
        ch = connection.createChannel();
        ch.confirmSelect();
    }

    @AfterEach
    void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    /** Publishes {@code n} messages under confirms; the publish sequence numbers the broker nacked. */
    private List<Long> publish(String queue, int n) throws Exception {
        List<Long> acked = new CopyOnWriteArrayList<>();
        List<Long> nacked = new CopyOnWriteArrayList<>();
        ch.addConfirmListener((tag, multiple) -> acked.add(tag), (tag, multiple) -> nacked.add(tag));
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> acked.size() + nacked.size() == n);
        return nacked;
    }

    private static Map<String, Object> effective(String queue) {
        return broker.broker.systemSession("/").admin().effectiveArguments(queue).orElseThrow();
    }

    @Test
    void aLooserMaxLengthArgumentDoesNotLiftThePolicysLimit() throws Exception {
        String q = "capped.looser-" + System.nanoTime();
        ch.queueDeclare(q, false, false, true, Map.of("x-max-length", 10));
        assertThat(publish(q, 5)).containsExactly(4L, 5L);
        assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(3);
        assertThat(effective(q)).containsEntry("x-max-length", 3L).containsEntry("x-overflow", "reject-publish");
    }

    @Test
    void aStricterMaxLengthArgumentApplies() throws Exception {
        String q = "capped.stricter-" + System.nanoTime();
        ch.queueDeclare(q, false, false, true, Map.of("x-max-length", 2));
        assertThat(publish(q, 5)).containsExactly(3L, 4L, 5L);
        assertThat(effective(q)).containsEntry("x-max-length", 2L);
    }

    @Test
    void anOverflowArgumentWinsOverThePolicy() throws Exception {
        String q = "capped.drop-head-" + System.nanoTime();
        ch.queueDeclare(q, false, false, true, Map.of("x-overflow", "drop-head"));
        assertThat(publish(q, 5)).isEmpty();
        assertThat(ch.queueDeclarePassive(q).getMessageCount()).isEqualTo(3);
        assertThat(new String(ch.basicGet(q, true).getBody(), StandardCharsets.UTF_8)).isEqualTo("m2");
        assertThat(effective(q)).containsEntry("x-max-length", 3L).containsEntry("x-overflow", "drop-head");
    }

    @Test
    void aQueueNoPolicyLimitsTakesItsArguments() throws Exception {
        String q = "free-" + System.nanoTime();
        ch.queueDeclare(q, false, false, true, Map.of("x-max-length", 10));
        assertThat(publish(q, 5)).isEmpty();
        assertThat(effective(q)).containsEntry("x-max-length", 10L);
    }
}
