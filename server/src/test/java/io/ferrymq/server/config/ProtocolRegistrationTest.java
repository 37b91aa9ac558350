package io.ferrymq.server.config;

import io.ferrymq.amqp.AmqpProtocolFactory;
import io.ferrymq.aws.AwsApiProtocolFactory;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.mqtt.MqttProtocolFactory;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.server.FerryServer;
import io.ferrymq.stomp.StompProtocolFactory;
import io.ferrymq.stomp.StompSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolRegistrationTest {

    private final ConfigLoader loader = new ConfigLoader();

    private FerryConfig load(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("broker.yaml");
        Files.writeString(f, yaml);
        return loader.load(f);
    }

    @Test
    void theServiceLoaderFindsEveryShippedProtocol() {
        ProtocolCatalog catalog = ProtocolCatalog.discover();
        assertThat(catalog.names()).containsExactly("amqp", "amqp091", "aws", "management", "mqtt", "openwire", "stomp");
        assertThat(catalog.get("stomp")).isInstanceOf(StompProtocolFactory.class);
        assertThat(catalog.get("mqtt")).isInstanceOf(MqttProtocolFactory.class);
        assertThat(catalog.get("amqp")).isInstanceOf(AmqpProtocolFactory.class);
        assertThat(catalog.get("amqp091")).isInstanceOf(io.ferrymq.amqp091.Amqp091ProtocolFactory.class);
        assertThat(catalog.get("aws")).isInstanceOf(AwsApiProtocolFactory.class);
    }

    @Test
    void aListenerNamingAnUnknownProtocolIsRefusedWithWhatIsAvailable(@TempDir Path dir) throws Exception {
        FerryConfig c = load(dir, """
                storage:
                  type: memory
                security:
                  password-iterations: 1000
                listeners:
                  - name: birds
                    protocols: [stomp, carrier-pigeon]
                    port: 0
                """);
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessage("listeners.birds: unknown protocol 'carrier-pigeon'; available: amqp, amqp091, aws, management, mqtt, openwire, stomp");
    }

    @Test
    void aProtocolSectionIsReadByItsModule(@TempDir Path dir) throws Exception {
        FerryConfig c = load(dir, """
                stomp:
                  max-frame-size: 1MiB
                  default-prefetch: 10
                  min-heart-beat: 250ms
                mqtt:
                  max-session-expiry: 1h
                  topic-exchange: mqtt.topics
                aws:
                  strict-signatures: true
                  access-keys:
                    - {id: AKIATEST, secret: s3cret, user: guest, account: "123456789012"}
                  account-vhosts: {"123456789012": /}
                """);
        StompSettings stomp = (StompSettings) settings(c, "stomp");
        assertThat(stomp.limits().maxFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(stomp.defaultPrefetch()).isEqualTo(10);
        assertThat(stomp.minHeartBeatMillis()).isEqualTo(250);
        assertThat(stomp.maxPendingSends()).isEqualTo(StompSettings.defaults().maxPendingSends());
        MqttSettings mqtt = (MqttSettings) settings(c, "mqtt");
        assertThat(mqtt.maxSessionExpirySeconds()).isEqualTo(3600);
        assertThat(mqtt.exchange()).isEqualTo("mqtt.topics");
        AwsApiSettings aws = (AwsApiSettings) settings(c, "aws");
        assertThat(aws.strictSignatures()).isTrue();
        assertThat(aws.accessKeys()).containsOnlyKeys("AKIATEST");
        assertThat(aws.accessKeys().get("AKIATEST").accountId()).isEqualTo("123456789012");
        assertThat(aws.vhostOf("123456789012", "us-east-1")).isEqualTo("/");
    }

    @Test
    void aMisspeltProtocolSettingIsNamedWithTheKnownOnes(@TempDir Path dir) throws Exception {
        FerryConfig c = load(dir, "stomp:\n  max-framesize: 1MiB\n");
        assertThatThrownBy(() -> settings(c, "stomp")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'max-framesize' at stomp")
                .hasMessageContaining("max-frame-size");
        FerryConfig key = load(dir, "aws:\n  access-keys:\n    - {id: a, secret: b, user: guest, acount: x}\n");
        assertThatThrownBy(() -> settings(key, "aws")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'acount' at aws.access-keys[0]");
    }

    @Test
    void aSectionIsCheckedEvenWhenNoListenerNamesItsProtocol(@TempDir Path dir) throws Exception {
        FerryConfig c = load(dir, """
                storage:
                  type: memory
                security:
                  password-iterations: 1000
                listeners:
                  - name: only-stomp
                    protocols: [stomp]
                    port: 0
                mqtt:
                  max-packet-sise: 1MiB
                """);
        assertThatThrownBy(() -> FerryServer.start(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'max-packet-sise' at mqtt");
    }

    @Test
    void aProtocolSettingOfTheWrongKindIsNamed(@TempDir Path dir) throws Exception {
        FerryConfig c = load(dir, "stomp:\n  max-headers: lots\n");
        assertThatThrownBy(() -> settings(c, "stomp")).isInstanceOf(ConfigException.class)
                .hasMessage("stomp.max-headers: 'lots' is not a whole number");
        FerryConfig flag = load(dir, "amqp:\n  allow-anonymous: perhaps\n");
        assertThatThrownBy(() -> settings(flag, "amqp")).isInstanceOf(ConfigException.class)
                .hasMessage("amqp.allow-anonymous: 'perhaps' is not true or false");
        FerryConfig size = load(dir, "mqtt:\n  max-packet-size: huge\n");
        assertThatThrownBy(() -> settings(size, "mqtt")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.max-packet-size: 'huge' is not a size");
    }

    @Test
    void aSectionForAProtocolThatIsNotInstalledIsAnUnknownSetting(@TempDir Path dir) {
        assertThatThrownBy(() -> load(dir, "carrier-pigeon:\n  wings: 2\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'carrier-pigeon'")
                .hasMessageContaining("protocol sections [amqp, amqp091, aws, management, mqtt, openwire, stomp]");
        assertThatThrownBy(() -> load(dir, "stomp: 5\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("stomp must be a mapping of settings");
    }

    private static Object settings(FerryConfig c, String protocol) {
        return ProtocolBuilder.settings(ProtocolCatalog.discover().get(protocol), c.protocols().get(protocol),
                c.security());
    }
}
