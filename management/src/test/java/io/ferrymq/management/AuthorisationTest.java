package io.ferrymq.management;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP Basic as the broker's users, and what each of RabbitMQ's management roles may do. */
class AuthorisationTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = ManagementBroker.start();

    private ApiClient as(String user) {
        return new ApiClient(broker.port("management"), user, ManagementBroker.PASSWORD);
    }

    @Test
    void withoutCredentialsOrWithWrongOnesTheApiAnswers401AndAsksForBasic() {
        ApiClient.Answer none = new ApiClient(broker.port("management"), null, null).get("/api/overview");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        ApiClient.Answer wrong = new ApiClient(broker.port("management"), "admin", "nope").get("/api/overview");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("error").asText()).isEqualTo("not_authorised");
    }

    @Test
    void aUserWithNoManagementRoleMayNotUseTheApi() {
        ApiClient.Answer a = as("app").get("/api/overview");
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.json().path("reason").asText()).contains("not a management user");
    }

    @Test
    void aMonitoringUserReadsEverythingButCannotPurgeOrChangeUsers() {
        as("admin").put("/api/queues/%2F/jobs", Map.of());
        ApiClient monitor = as("monitor");
        assertThat(monitor.get("/api/overview").status()).isEqualTo(200);
        assertThat(monitor.get("/api/queues").json()).extracting(q -> q.path("name").asText()).contains("jobs");
        assertThat(monitor.get("/api/connections").status()).isEqualTo(200);

        ApiClient.Answer purge = monitor.delete("/api/queues/%2F/jobs/contents");
        assertThat(purge.status()).isEqualTo(403);
        assertThat(purge.json().path("reason").asText()).contains("monitoring is read-only");
        assertThat(monitor.delete("/api/queues/%2F/jobs").status()).isEqualTo(403);
        assertThat(monitor.get("/api/users").status()).isEqualTo(403);
        assertThat(monitor.put("/api/users/eve", Map.of("password", "x", "tags", "administrator")).status()).isEqualTo(403);
        assertThat(monitor.get("/api/definitions").status()).isEqualTo(403);
    }

    @Test
    void aManagementUserActsOnlyWhereTheBrokersPermissionsAllow() {
        ApiClient manager = as("manager");
        assertThat(manager.put("/api/queues/%2F/team.inbox", Map.of()).status()).isEqualTo(201);
        assertThat(manager.delete("/api/queues/%2F/team.inbox/contents").status()).isEqualTo(204);

        as("admin").put("/api/queues/%2F/payroll", Map.of());
        ApiClient.Answer refused = manager.delete("/api/queues/%2F/payroll/contents");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("error").asText()).isEqualTo("access_refused");
        assertThat(manager.put("/api/queues/%2F/payroll2", Map.of()).status()).isEqualTo(403);
        assertThat(manager.get("/api/users").status()).isEqualTo(403);
    }

    @Test
    void whoamiSaysWhoCallsWithWhichTags() {
        ApiClient.Answer me = as("monitor").get("/api/whoami");
        assertThat(me.json().path("name").asText()).isEqualTo("monitor");
        assertThat(me.json().path("tags")).extracting(t -> t.asText()).containsExactly("monitoring");
    }
}
