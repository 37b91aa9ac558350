package io.ferrymq.management;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Users and permissions created, changed and deleted through the API take effect at once, without a restart. */
class UserApiTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private ApiClient admin() {
        return new ApiClient(broker.port("management"), "admin", ManagementBroker.PASSWORD);
    }

    private Connection amqp(String user, String password) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setUsername(user);
        f.setPassword(password);
        f.setAutomaticRecoveryEnabled(false);
        return f.newConnection();
    }

    @Test
    void aUserAddedThroughTheApiLogsInAtOnceAndKeepsItsPermissions() throws Exception {
        ApiClient api = admin();
        assertThat(api.put("/api/users/bob", Map.of("password", "pw1", "tags", "management")).status()).isEqualTo(201);
        assertThat(api.get("/api/users").json()).extracting(u -> u.path("name").asText()).contains("bob");
        assertThat(api.get("/api/users/bob").json().path("tags")).extracting(t -> t.asText()).containsExactly("management");
        assertThat(api.get("/api/users/bob").json().has("password_hash")).as("no hash in the user list").isFalse();

        assertThat(api.put("/api/permissions/%2F/bob", Map.of("configure", "bob.#", "write", ".*", "read", ".*")).status())
                .isEqualTo(201);
        assertThat(api.get("/api/permissions/%2F/bob").json()).isNotEmpty();
        try (Connection c = amqp("bob", "pw1")) {
            c.createChannel().queueDeclare("bob.inbox", true, false, false, null);
        }
        assertThat(api.as("bob", "pw1").get("/api/overview").status()).isEqualTo(200);

        assertThat(api.put("/api/users/bob", Map.of("password", "pw2", "tags", "management")).status()).isEqualTo(204);
        assertThatThrownBy(() -> amqp("bob", "pw1").close()).as("the old password no longer works").isNotNull();
        amqp("bob", "pw2").close();

        assertThat(api.delete("/api/users/bob").status()).isEqualTo(204);
        assertThatThrownBy(() -> amqp("bob", "pw2").close()).isNotNull();
        assertThat(api.as("bob", "pw2").get("/api/overview").status()).isEqualTo(401);
        assertThat(api.get("/api/users/bob").status()).isEqualTo(404);
    }

    @Test
    void aNewUserNeedsAPasswordAndAnAdministratorCannotDeleteItself() {
        ApiClient api = admin();
        ApiClient.Answer noPassword = api.put("/api/users/dave", Map.of("tags", "management"));
        assertThat(noPassword.status()).isEqualTo(400);
        assertThat(noPassword.json().path("reason").asText()).contains("password");
        assertThat(api.delete("/api/users/admin").status()).isEqualTo(400);
    }
}
