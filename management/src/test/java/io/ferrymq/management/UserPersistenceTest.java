package io.ferrymq.management;

import io.ferrymq.transport.testing.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the API changes in users and permissions is kept over broker.yaml's users across a restart. */
class UserPersistenceTest {

    @TempDir
    Path data;

    @Test
    void usersCreatedChangedAndDeletedThroughTheApiStaySoAfterARestart() {
        try (EmbeddedBroker first = ManagementBroker.startIn(data)) {
            ApiClient api = new ApiClient(first.port("management"), "admin", ManagementBroker.PASSWORD);
            assertThat(api.put("/api/users/carol", Map.of("password", "pw", "tags", List.of("monitoring"))).status())
                    .isEqualTo(201);
            api.put("/api/permissions/%2F/carol", Map.of("configure", "", "write", "", "read", "reports.#"));
            assertThat(api.delete("/api/users/manager").status()).isEqualTo(204);
            assertThat(api.put("/api/users/monitor", Map.of("password", "changed", "tags", "monitoring")).status())
                    .isEqualTo(204);
        }
        try (EmbeddedBroker second = ManagementBroker.startIn(data)) {
            ApiClient api = new ApiClient(second.port("management"), "admin", ManagementBroker.PASSWORD);
            assertThat(api.as("carol", "pw").get("/api/whoami").json().path("tags"))
                    .extracting(t -> t.asText()).containsExactly("monitoring");
            assertThat(api.get("/api/permissions/%2F/carol").json().get(0).path("read").asText()).isEqualTo("reports.#");
            assertThat(api.get("/api/users/manager").status()).isEqualTo(404);
            assertThat(api.as("monitor", ManagementBroker.PASSWORD).get("/api/whoami").status()).isEqualTo(401);
            assertThat(api.as("monitor", "changed").get("/api/whoami").status()).isEqualTo(200);
        }
    }
}
