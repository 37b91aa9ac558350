package io.ferrymq.server;

import io.ferrymq.server.config.ByteSize;
import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.ConfigLoader;
import io.ferrymq.server.config.DurationText;
import io.ferrymq.server.config.FerryConfig;
import io.ferrymq.server.config.ProtocolBuilder;
import io.ferrymq.server.config.ProtocolCatalog;
import io.ferrymq.stomp.StompProtocolFactory;
import io.ferrymq.stomp.StompSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void shippedConfigurationDocumentsExactlyTheBuiltInDefaults() {
        FerryConfig shipped = loader.load(Path.of("..", "conf", "broker.yaml"));
        FerryConfig defaults = loader.defaults();
        assertThat(shipped.withProtocols(Map.of())).isEqualTo(defaults);
        // Each protocol's defaults are its module's: the shipped section must read as an absent one does.
        ProtocolCatalog catalog = ProtocolCatalog.discover();
        assertThat(shipped.protocols().keySet()).as("a documented section for every protocol")
                .containsExactlyInAnyOrderElementsOf(catalog.names());
        for (String name : catalog.names()) {
            assertThat(ProtocolBuilder.settings(catalog.get(name), shipped.protocols().get(name), shipped.security()))
                    .as("conf/broker.yaml section %s", name)
                    .isEqualTo(ProtocolBuilder.settings(catalog.get(name), null, defaults.security()));
        }
    }

    @Test
    void defaultsListenOnLoopbackWithTheGuestUser() {
        FerryConfig d = loader.defaults();
        assertThat(d.listeners()).allSatisfy(l -> assertThat(l.host()).isEqualTo("127.0.0.1"));
        assertThat(d.listeners()).extracting(FerryConfig.Listener::port).contains(61613, 61614, 61616);
        assertThat(d.security().users()).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("guest");
            assertThat(u.loopbackOnly()).isTrue();
        });
    }

    @Test
    void userFileMergesOverDefaultsAndListsReplaceWhole(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, """
                broker:
                  memory-limit: 64MiB
                listeners:
                  - name: only
                    protocols: [stomp]
                    port: 7000
                """);
        FerryConfig c = loader.load(f);
        assertThat(c.broker().memoryLimit()).isEqualTo("64MiB");
        assertThat(c.broker().expiryScanInterval()).isEqualTo("30s");
        assertThat(c.listeners()).singleElement().satisfies(l -> assertThat(l.port()).isEqualTo(7000));
        StompSettings stomp = (StompSettings) ProtocolBuilder.settings(new StompProtocolFactory(),
                c.protocols().get("stomp"), c.security());
        assertThat(stomp.defaultPrefetch()).isEqualTo(1000);
    }

    @Test
    void misspeltSettingIsNamedInTheError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, "broker:\n  memory-limt: 1GiB\n");
        assertThatThrownBy(() -> loader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'memory-limt'")
                .hasMessageContaining("memory-limit");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> loader.load(Path.of("/nonexistent/broker.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/broker.yaml does not exist");
    }

    @Test
    void sizesAndDurationsTakeUnits() {
        assertThat(ByteSize.parse("512KiB", "x")).isEqualTo(512 * 1024);
        assertThat(ByteSize.parse("16MiB", "x")).isEqualTo(16L * 1024 * 1024);
        assertThat(ByteSize.parse("2gib", "x")).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(ByteSize.parse("10MB", "x")).isEqualTo(10_000_000);
        assertThat(ByteSize.parse("100", "x")).isEqualTo(100);
        assertThat(ByteSize.parse("50%", "x")).isEqualTo(Runtime.getRuntime().maxMemory() / 100 * 50);
        assertThat(DurationText.millis("250", "y")).isEqualTo(250);
        assertThat(DurationText.millis("30s", "y")).isEqualTo(30_000);
        assertThat(DurationText.millis("5m", "y")).isEqualTo(300_000);
        assertThatThrownBy(() -> ByteSize.parse("lots", "broker.memory-limit")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("broker.memory-limit").hasMessageContaining("16MiB");
        assertThatThrownBy(() -> DurationText.millis("soon", "stomp.connect-timeout"))
                .hasMessageContaining("stomp.connect-timeout");
    }
}
