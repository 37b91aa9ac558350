package io.ferrymq.openwire;

import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenwireProtocolFactoryTest {

    private final OpenwireProtocolFactory factory = new OpenwireProtocolFactory();

    private OpenwireSettings read(Map<String, ?> section) {
        return factory.settings(ProtocolSection.of("openwire", section), ConfiguredUsers.none());
    }

    @Test
    void anEmptySectionGivesTheDefaults() {
        assertThat(read(Map.of())).isEqualTo(OpenwireSettings.defaults());
    }

    @Test
    void everySettingIsRead() {
        OpenwireSettings s = read(Map.of("max-frame-size", "1MiB", "max-inactivity-duration", "0s",
                "connect-timeout", "5s", "max-pending-sends", 10, "cache-enabled", false,
                "tight-encoding-enabled", false, "send-fail-if-no-space", true));
        assertThat(s).isEqualTo(new OpenwireSettings(1024 * 1024, 0, 5000, 10, false, false, true));
    }

    @Test
    void aMisspeltOrInvalidSettingIsRefusedByName() {
        assertThatThrownBy(() -> read(Map.of("max-frame-sise", "1MiB"))).isInstanceOf(SettingException.class)
                .hasMessageContaining("max-frame-sise");
        assertThatThrownBy(() -> read(Map.of("max-frame-size", 10))).isInstanceOf(SettingException.class)
                .hasMessageContaining("openwire").hasMessageContaining("at least 1KiB");
        assertThatThrownBy(() -> read(Map.of("max-pending-sends", 0))).isInstanceOf(SettingException.class)
                .hasMessageContaining("pending-send window");
    }
}
