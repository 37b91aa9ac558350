package io.ferrymq.mqtt;

import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttProtocolFactoryTest {

    private final MqttProtocolFactory factory = new MqttProtocolFactory();

    private MqttSettings read(Map<String, ?> section) {
        return factory.settings(ProtocolSection.of("mqtt", section), ConfiguredUsers.none());
    }

    @Test
    void anEmptySectionGivesTheDefaults() {
        assertThat(read(Map.of())).isEqualTo(MqttSettings.defaults());
    }

    @Test
    void sessionExpiryIsNeverOrWholeSeconds() {
        assertThat(read(Map.of("max-session-expiry", "never")).maxSessionExpirySeconds())
                .isEqualTo(MqttSettings.EXPIRY_NEVER);
        assertThat(read(Map.of("max-session-expiry", "2h")).maxSessionExpirySeconds()).isEqualTo(7200);
        assertThat(read(Map.of("sys-interval", "0s")).sysIntervalSeconds()).isZero();
        assertThatThrownBy(() -> read(Map.of("max-keep-alive", "1500ms"))).isInstanceOf(SettingException.class)
                .hasMessage("mqtt.max-keep-alive: '1500ms' must be whole seconds (MQTT counts in seconds)");
    }

    @Test
    void aValueTheRecordRefusesIsReportedForTheSection() {
        assertThatThrownBy(() -> read(Map.of("receive-maximum", 0))).isInstanceOf(SettingException.class)
                .hasMessage("mqtt: receive maximum and in-flight window must be between 1 and 65535");
    }
}
