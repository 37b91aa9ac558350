package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import static io.ferrymq.amqp091.Amqp091ConnectionTest.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * connection.update-secret, as the RabbitMQ client sends it when its credentials provider's secret is refreshed
 * (OAuth 2 tokens): the broker checks the new secret for the connection's user and answers update-secret-ok,
 * or closes the connection with 530 NOT_ALLOWED as RabbitMQ 3.x does.
 */
class Amqp091UpdateSecretTest {

    private static EmbeddedAmqp091Broker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A provider whose secret the test changes, and a refresh service the test triggers by hand. */
    private static final class Refreshing implements CredentialsProvider, CredentialsRefreshService {
        volatile String password = "secret";
        final AtomicReference<Callable<Boolean>> refresh = new AtomicReference<>();

        @Override
        public String getUsername() {
            return "admin";
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public Duration getTimeBeforeExpiration() {
            return Duration.ofHours(1);
        }

        @Override
        public String register(CredentialsProvider provider, Callable<Boolean> action) {
            refresh.set(action);
            return "registration";
        }

        @Override
        public void unregister(CredentialsProvider provider, String registrationId) {
            refresh.set(null);
        }

        @Override
        public boolean isApproachingExpiration(Duration timeBeforeExpiration) {
            return false;
        }

        /** Sends connection.update-secret with the current password; true once the broker answered ok. */
        boolean refreshNow() throws Exception {
            return refresh.get().call();
        }
    }

    private static Connection connect(Refreshing credentials) throws Exception {
        ConnectionFactory f = broker.factory();
        f.setCredentialsProvider(credentials);
        f.setCredentialsRefreshService(credentials);
        return f.newConnection();
    }

    @Test
    void theRightSecretIsAcceptedAndTheConnectionCarriesOn() throws Exception {
        Refreshing credentials = new Refreshing();
        try (Connection c = connect(credentials)) {
            assertThat(credentials.refreshNow()).isTrue();
            Channel ch = c.createChannel();
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, new byte[] {1});
            await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, true) != null);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void aWrongSecretClosesTheConnectionWithNotAllowed() throws Exception {
        Refreshing credentials = new Refreshing();
        Connection c = connect(credentials);
        credentials.password = "not-the-password";
        assertThat(credentials.refreshNow()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !c.isOpen());
        assertThat(describe(c.getCloseReason())).contains("reply-code=530")
                .contains("NOT_ALLOWED - New secret was refused by one of the backends");
    }
}
