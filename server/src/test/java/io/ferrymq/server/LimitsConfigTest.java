package io.ferrymq.server;

import io.ferrymq.core.security.ClientLimits;
import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.LimitsBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code limits} section: the built-in defaults are the core's, a file overrides some, bad values are named. */
class LimitsConfigTest {

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void theBuiltInLimitsAreTheCoresDefaults() {
        assertThat(LimitsBuilder.build(loader.defaults().limits())).isEqualTo(ClientLimits.DEFAULTS);
    }

    @Test
    void aFileSetsSomeLimitsAndKeepsTheOthers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, """
                limits:
                  max-connections-per-user: 1000
                  publish-bytes-per-second: 1MiB
                """);
        ClientLimits l = LimitsBuilder.build(loader.load(f).limits());
        assertThat(l.maxConnectionsPerUser()).isEqualTo(1000);
        assertThat(l.publishBytesPerSecond()).isEqualTo(1024 * 1024);
        assertThat(l.maxConnections()).isEqualTo(ClientLimits.DEFAULTS.maxConnections());
    }

    @Test
    void aNegativeOrMisspeltLimitIsNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, "limits:\n  max-connections: -1\n");
        assertThatThrownBy(() -> LimitsBuilder.build(loader.load(f).limits())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("limits.max-connections must be 0 (no limit) or more");
        Files.writeString(f, "limits:\n  max-conections: 5\n");
        assertThatThrownBy(() -> loader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("max-conections");
    }
}
