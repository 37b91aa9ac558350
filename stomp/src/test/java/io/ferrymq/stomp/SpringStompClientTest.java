package io.ferrymq.stomp;

import io.ferrymq.stomp.SpringStompClient.Received;
import io.ferrymq.stomp.SpringStompClient.Transport;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.stomp.SpringStompClient.login;
import static io.ferrymq.stomp.SpringStompClient.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Spring's STOMP client over TCP and over WebSocket against a broker started in the test. */
class SpringStompClientTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    private SpringStompClient client(Transport t) throws Exception {
        return new SpringStompClient(t, broker, login("admin", "secret"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void queueMessageReachesOneConsumerWithItsHeaders(Transport t) throws Exception {
        try (SpringStompClient producer = client(t); SpringStompClient consumer = client(t)) {
            BlockingQueue<Received> inbox = consumer.subscribe("/queue/orders");
            StompHeaders h = new StompHeaders();
            h.setDestination("/queue/orders");
            h.set("persistent", "true");
            h.set("priority", "7");
            h.set("correlation-id", "c-1");
            h.set("reply-to", "/queue/replies");
            h.set("region", "eu");
            h.setContentType(org.springframework.util.MimeType.valueOf("text/plain"));
            producer.send(h, "order 1");

            Received m = next(inbox);
            assertThat(m.body()).isEqualTo("order 1");
            assertThat(m.headers().getDestination()).isEqualTo("/queue/orders");
            assertThat(m.headers().getFirst("persistent")).isEqualTo("true");
            assertThat(m.headers().getFirst("priority")).isEqualTo("7");
            assertThat(m.headers().getFirst("correlation-id")).isEqualTo("c-1");
            assertThat(m.headers().getFirst("reply-to")).isEqualTo("/queue/replies");
            assertThat(m.headers().getFirst("region")).isEqualTo("eu");
            assertThat(m.headers().getContentType().toString()).isEqualTo("text/plain");
            assertThat(m.headers().getFirst("redelivered")).isEqualTo("false");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void topicMessageReachesEverySubscriberIncludingWildcards(Transport t) throws Exception {
        try (SpringStompClient a = client(t); SpringStompClient b = client(t); SpringStompClient p = client(t)) {
            BlockingQueue<Received> exact = a.subscribe("/topic/prices.eu.stock");
            BlockingQueue<Received> wildcard = b.subscribe("/topic/prices.>");
            p.send("/topic/prices.eu.stock", "42");
            assertThat(next(exact).body()).isEqualTo("42");
            Received w = next(wildcard);
            assertThat(w.body()).isEqualTo("42");
            assertThat(w.headers().getDestination()).isEqualTo("/topic/prices.eu.stock");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void clientAcknowledgedMessageNackedComesBackRedelivered(Transport t) throws Exception {
        try (SpringStompClient c = client(t)) {
            StompHeaders sub = new StompHeaders();
            sub.setDestination("/queue/work");
            sub.setAck("client-individual");
            BlockingQueue<Received> inbox = c.subscribe(sub);
            c.send("/queue/work", "job");
            Received first = next(inbox);
            assertThat(first.headers().getAck()).isNotNull();
            c.ack(first, false);
            Received again = next(inbox);
            assertThat(again.body()).isEqualTo("job");
            assertThat(again.headers().getFirst("redelivered")).isEqualTo("true");
            c.ack(again, true);
            assertThat(inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
        await().atMost(10, TimeUnit.SECONDS).untilAsserted(() ->
                assertThat(broker.broker().vhost("/").queue("work").exactStats().join().total()).isZero());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void selectorDeliversOnlyMatchingMessages(Transport t) throws Exception {
        try (SpringStompClient c = client(t)) {
            StompHeaders sub = new StompHeaders();
            sub.setDestination("/queue/filtered");
            sub.set("selector", "region = 'eu' AND JMSPriority > 5");
            BlockingQueue<Received> inbox = c.subscribe(sub);
            for (String[] m : new String[][] {{"eu", "9", "yes-1"}, {"us", "9", "no-1"}, {"eu", "1", "no-2"},
                    {"eu", "6", "yes-2"}}) {
                StompHeaders h = new StompHeaders();
                h.setDestination("/queue/filtered");
                h.set("region", m[0]);
                h.set("priority", m[1]);
                c.send(h, m[2]);
            }
            assertThat(next(inbox).body()).isEqualTo("yes-1");
            assertThat(next(inbox).body()).isEqualTo("yes-2");
            assertThat(inbox.poll(300, TimeUnit.MILLISECONDS)).isNull();
            assertThat(broker.broker().vhost("/").queue("filtered").exactStats().join().ready()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void durableTopicSubscriptionKeepsMessagesWhileTheSubscriberIsAway(Transport t) throws Exception {
        StompHeaders connect = login("admin", "secret");
        connect.set("client-id", "app-1");
        StompHeaders sub = new StompHeaders();
        sub.setDestination("/topic/news");
        sub.set("activemq.subscriptionName", "reader");
        try (SpringStompClient c = new SpringStompClient(t, broker, connect)) {
            c.subscribe(sub);
        }
        try (SpringStompClient p = client(t)) {
            p.send("/topic/news", "while away");
        }
        try (SpringStompClient c = new SpringStompClient(t, broker, connect)) {
            BlockingQueue<Received> inbox = c.subscribe(sub);
            assertThat(next(inbox).body()).isEqualTo("while away");
        }
        assertThat(broker.broker().vhost("/").queue("app-1.reader")).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void heartBeatsAreNegotiatedAsTheClientAsks(Transport t) throws Exception {
        StompHeaders connect = login("admin", "secret");
        connect.setHeartbeat(new long[] {2000, 2000});
        try (SpringStompClient c = new SpringStompClient(t, broker, connect)) {
            BlockingQueue<Received> inbox = c.subscribe("/queue/hb");
            c.send("/queue/hb", "alive");
            assertThat(next(inbox).body()).isEqualTo("alive");
            assertThat(c.errors).isEmpty();
        }
    }
}
