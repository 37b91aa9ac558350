package io.ferrymq.stomp;

import io.ferrymq.stomp.SpringStompClient.Received;
import io.ferrymq.stomp.SpringStompClient.Transport;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

import static io.ferrymq.stomp.SpringStompClient.login;
import static io.ferrymq.stomp.SpringStompClient.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * ActiveMQ's dispatch headers on SUBSCRIBE with Spring's STOMP client: {@code activemq.priority},
 * {@code activemq.exclusive}, and {@code JMSXGroupID} groups staying with their consumer.
 */
class StompConsumerDispatchTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .build();

    private SpringStompClient client() throws Exception {
        return new SpringStompClient(Transport.TCP, broker, login("admin", "secret"));
    }

    private static StompHeaders subscription(String destination, String... headers) {
        StompHeaders h = new StompHeaders();
        h.setDestination(destination);
        for (int i = 0; i < headers.length; i += 2) {
            h.set(headers[i], headers[i + 1]);
        }
        return h;
    }

    private static void send(SpringStompClient c, String destination, String group, String... bodies)
            throws Exception {
        for (String body : bodies) {
            StompHeaders h = new StompHeaders();
            h.setDestination(destination);
            if (group != null) {
                h.set("JMSXGroupID", group);
            }
            c.send(h, body);
        }
    }

    private static List<String> take(BlockingQueue<Received> inbox, int n) throws InterruptedException {
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(next(inbox).body());
        }
        return got;
    }

    @Test
    void theHigherPriorityConsumerFillsItsPrefetchBeforeTheLowerOneGetsAnything() throws Exception {
        try (SpringStompClient producer = client(); SpringStompClient consumers = client()) {
            BlockingQueue<Received> low = consumers.subscribe(subscription("/queue/prio",
                    "ack", "client-individual", "activemq.prefetchSize", "10"));
            BlockingQueue<Received> high = consumers.subscribe(subscription("/queue/prio",
                    "ack", "client-individual", "activemq.prefetchSize", "2", "activemq.priority", "9"));

            send(producer, "/queue/prio", null, "m1", "m2", "m3", "m4", "m5");

            assertThat(take(high, 2)).containsExactly("m1", "m2");
            assertThat(take(low, 3)).containsExactly("m3", "m4", "m5");
        }
    }

    @Test
    void theExclusiveSubscriberGetsEverythingAndTheNextOneTakesOver() throws Exception {
        try (SpringStompClient producer = client(); SpringStompClient others = client()) {
            BlockingQueue<Received> first;
            BlockingQueue<Received> plain;
            BlockingQueue<Received> second;
            try (SpringStompClient firstClient = client()) {
                first = firstClient.subscribe(subscription("/queue/excl", "activemq.exclusive", "true"));
                plain = others.subscribe(subscription("/queue/excl"));
                second = others.subscribe(subscription("/queue/excl", "activemq.exclusive", "true"));

                send(producer, "/queue/excl", null, "m1", "m2", "m3");
                assertThat(take(first, 3)).containsExactly("m1", "m2", "m3");
            }
            send(producer, "/queue/excl", null, "m4", "m5");

            assertThat(take(second, 2)).containsExactly("m4", "m5");
            assertThat(plain).as("a non-exclusive subscriber waits while an exclusive one lives").isEmpty();
        }
    }

    @Test
    void aGroupStaysWithItsSubscriberAfterItsMessagesAreAcknowledged() throws Exception {
        try (SpringStompClient producer = client(); SpringStompClient consumers = client()) {
            BlockingQueue<Received> one = consumers.subscribe(subscription("/queue/groups"));
            BlockingQueue<Received> two = consumers.subscribe(subscription("/queue/groups"));
            send(producer, "/queue/groups", "A", "A1");
            send(producer, "/queue/groups", "B", "B1");
            assertThat(take(one, 1)).containsExactly("A1");
            assertThat(take(two, 1)).containsExactly("B1");

            // Auto-acknowledged: nothing is in flight, so round-robin alone would swap them.
            send(producer, "/queue/groups", "B", "B2");
            send(producer, "/queue/groups", "A", "A2");

            assertThat(take(two, 1)).containsExactly("B2");
            assertThat(take(one, 1)).containsExactly("A2");
        }
    }

    @Test
    void aPriorityThatIsNotANumberIsAnError() throws Exception {
        try (SpringStompClient c = client()) {
            assertThatThrownBy(() -> c.subscribe(subscription("/queue/bad", "activemq.priority", "high")))
                    .as("no receipt: the broker answers with an ERROR frame").isNotNull();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> c.errors.stream().anyMatch(e -> e != null && e.contains("activemq.priority")));
        }
    }
}
