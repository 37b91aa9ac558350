package io.ferrymq.stomp;

import io.ferrymq.core.api.Operator;
import io.ferrymq.stomp.SpringStompClient.Received;
import io.ferrymq.stomp.SpringStompClient.Transport;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.messaging.simp.stomp.StompHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.stomp.SpringStompClient.login;
import static io.ferrymq.stomp.SpringStompClient.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session keeps the permission answers it got (so a producer is not checked against every rule per SEND), yet
 * an operator's change holds for connections already open from their next frame on: a revoked send permission
 * refuses the next SEND of a producer that has been sending all along, and a granted one allows the next SEND of
 * a producer that was refused before.
 */
class StompPermissionRevocationTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .build();

    @Test
    void aRevokedSendPermissionRefusesTheNextSendOfAnOpenConnection() throws Exception {
        Operator operator = broker.broker().operator();
        // "limited" may send to allowed.# through its role; audit only through its own rule.
        operator.setPermission("limited", "/", "", "audit", "");
        try (SpringStompClient reader = new SpringStompClient(Transport.TCP, broker, login("admin", "secret"));
             SpringStompClient producer = new SpringStompClient(Transport.TCP, broker, login("limited", "secret"))) {
            BlockingQueue<Received> inbox = reader.subscribe("/topic/audit");
            for (int i = 0; i < 5; i++) {
                producer.send("/topic/audit", "granted " + i);
                assertThat(next(inbox).body()).isEqualTo("granted " + i);
            }

            operator.clearPermission("limited", "/");

            StompHeaders send = new StompHeaders();
            send.setDestination("/topic/audit");
            producer.session.send(send, "revoked".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> !producer.errors.isEmpty());
            assertThat(producer.errors.get(0)).contains("may not send").contains("audit");
            assertThat(inbox.poll(200, TimeUnit.MILLISECONDS)).as("the refused message").isNull();
            assertThat(reader.errors).isEmpty();
        }
    }

    @Test
    void aGrantedSendPermissionAllowsTheNextSendOfAProducerRefusedBefore() throws Exception {
        Operator operator = broker.broker().operator();
        try (SpringStompClient reader = new SpringStompClient(Transport.TCP, broker, login("admin", "secret"))) {
            BlockingQueue<Received> inbox = reader.subscribe("/topic/audit");
            try (SpringStompClient refused = new SpringStompClient(Transport.TCP, broker, login("limited", "secret"))) {
                StompHeaders send = new StompHeaders();
                send.setDestination("/topic/audit");
                refused.session.send(send, "refused".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(20)).until(() -> !refused.errors.isEmpty());
                assertThat(refused.errors.get(0)).contains("may not send");
            }
            // A STOMP ERROR closes the connection; the grant holds for the next one of the same user, and for a
            // connection that was open when it was given.
            try (SpringStompClient open = new SpringStompClient(Transport.TCP, broker, login("limited", "secret"))) {
                open.send("/topic/allowed.x", "warm-up");
                operator.setPermission("limited", "/", "", "audit", "");
                open.send("/topic/audit", "granted");
                assertThat(next(inbox).body()).isEqualTo("granted");
                assertThat(open.errors).isEmpty();
            }
        }
    }
}
