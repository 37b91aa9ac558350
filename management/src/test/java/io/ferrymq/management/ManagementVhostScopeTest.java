package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ's {@code management} tag is scoped to the virtual hosts the user has permissions in: lists leave the
 * others out and paths naming them answer 401; {@code monitoring} and {@code administrator} see every vhost.
 * The broker has vhosts {@code /} and {@code other}; {@code scoped} has permissions in {@code /} only.
 */
class ManagementVhostScopeTest {

    private static final String PASSWORD = ManagementBroker.PASSWORD;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.builder().realm(realm()).build();

    private static ConfiguredRealm realm() {
        List<UserAccount> users = List.of(
                new UserAccount("admin", PasswordHash.create(PASSWORD, 1000), Set.of("administrator"), false),
                new UserAccount("monitor", PasswordHash.create(PASSWORD, 1000), Set.of("monitoring"), false),
                new UserAccount("scoped", PasswordHash.create(PASSWORD, 1000), Set.of("management"), false),
                new UserAccount("app", PasswordHash.create(PASSWORD, 1000), Set.of("apps"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class),
                        Set.of("administrator", "apps"), Set.of()),
                new PermissionRule("/", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of(),
                        Set.of("scoped")));
        return new ConfiguredRealm(users, rules, null);
    }

    private ApiClient as(String user) {
        return new ApiClient(broker.port("management"), user, PASSWORD);
    }

    private static List<String> field(JsonNode list, String name) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path(name).asText()));
        return out;
    }

    @Test
    void aManagementUserSeesOnlyTheVhostsItHasPermissionsIn() {
        ApiClient admin = as("admin");
        assertThat(admin.put("/api/queues/%2F/mine", Map.of()).status()).isEqualTo(201);
        assertThat(admin.put("/api/queues/other/theirs", Map.of()).status()).isEqualTo(201);
        assertThat(admin.post("/api/bindings/%2F/e/amq.direct/q/mine", Map.of("routing_key", "k")).status())
                .isEqualTo(201);
        assertThat(admin.post("/api/bindings/other/e/amq.direct/q/theirs", Map.of("routing_key", "k")).status())
                .isEqualTo(201);
        assertThat(field(admin.get("/api/bindings").json(), "vhost")).contains("/", "other");
        ApiClient scoped = as("scoped");

        assertThat(field(scoped.get("/api/vhosts").json(), "name")).containsExactly("/");
        assertThat(field(scoped.get("/api/queues").json(), "name")).containsExactly("mine");
        assertThat(field(scoped.get("/api/exchanges").json(), "vhost")).isNotEmpty().containsOnly("/");
        assertThat(field(scoped.get("/api/bindings").json(), "vhost")).containsOnly("/");
        assertThat(scoped.get("/api/queues/%2F/mine").status()).isEqualTo(200);

        for (String path : List.of("/api/vhosts/other", "/api/queues/other", "/api/queues/other/theirs",
                "/api/exchanges/other", "/api/exchanges/other/amq.direct", "/api/bindings/other",
                "/api/queues/other/theirs/bindings", "/api/consumers/other", "/api/vhosts/other/connections",
                "/api/vhosts/other/channels")) {
            ApiClient.Answer a = scoped.get(path);
            assertThat(a.status()).as(path).isEqualTo(401);
            assertThat(a.json().path("error").asText()).as(path).isEqualTo("not_authorised");
        }
        assertThat(scoped.put("/api/queues/other/new", Map.of()).status()).isEqualTo(401);
        assertThat(scoped.delete("/api/queues/other/theirs/contents").status()).isEqualTo(401);
        assertThat(scoped.delete("/api/queues/other/theirs").status()).isEqualTo(401);
        assertThat(scoped.post("/api/queues/other/theirs/get", Map.of("count", 1)).status()).isEqualTo(401);
        assertThat(admin.get("/api/queues/other/theirs").status()).as("still there").isEqualTo(200);
    }

    @Test
    void monitoringAndAdministratorUsersSeeEveryVhost() {
        ApiClient admin = as("admin");
        admin.put("/api/queues/%2F/mine", Map.of());
        admin.put("/api/queues/other/theirs", Map.of());
        for (String user : List.of("monitor", "admin")) {
            ApiClient api = as(user);
            assertThat(field(api.get("/api/vhosts").json(), "name")).as(user).containsExactlyInAnyOrder("/", "other");
            assertThat(field(api.get("/api/queues").json(), "name")).as(user).contains("mine", "theirs");
            assertThat(field(api.get("/api/exchanges").json(), "vhost")).as(user).contains("/", "other");
            assertThat(api.get("/api/queues/other").status()).as(user).isEqualTo(200);
        }
    }

    @Test
    void aManagementUserSeesItsOwnConnectionsAndChannelsButNoOthers() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(broker.port("amqp"));
        f.setPassword(PASSWORD);
        f.setAutomaticRecoveryEnabled(false);
        f.setUsername("scoped");
        f.setVirtualHost("/");
        try (Connection own = f.newConnection()) {
            own.createChannel();
            f.setUsername("app");
            f.setVirtualHost("other");
            try (Connection other = f.newConnection()) {
                other.createChannel();
                ApiClient admin = as("admin");
                await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/channels").json().size() == 2);
                ApiClient scoped = as("scoped");
                assertThat(field(scoped.get("/api/connections").json(), "user")).containsExactly("scoped");
                assertThat(field(scoped.get("/api/channels").json(), "user")).containsExactly("scoped");
                assertThat(field(as("monitor").get("/api/connections").json(), "user"))
                        .containsExactlyInAnyOrder("scoped", "app");
            }
        }
    }
}
