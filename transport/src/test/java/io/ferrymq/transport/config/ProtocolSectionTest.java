package io.ferrymq.transport.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolSectionTest {

    @Test
    void absentAndNullSettingsTakeTheModulesDefault() {
        Map<String, Object> values = new HashMap<>();
        values.put("idle-timeout", null);
        ProtocolSection s = ProtocolSection.of("amqp", values);
        assertThat(s.millis("idle-timeout", 60_000)).isEqualTo(60_000);
        assertThat(s.integer("channel-max", 2047)).isEqualTo(2047);
        assertThat(s.bool("allow-anonymous", false)).isFalse();
        s.rejectUnknown();
    }

    @Test
    void valuesAreReadWithTheirUnits() {
        ProtocolSection s = ProtocolSection.of("x", Map.of("size", "16MiB", "time", "30s", "plain", 250, "n", "42",
                "flag", "true", "map", Map.of("a", 1)));
        assertThat(s.bytes("size", 0)).isEqualTo(16L * 1024 * 1024);
        assertThat(s.duration("time", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.millis("plain", 0)).isEqualTo(250);
        assertThat(s.integer("n", 0)).isEqualTo(42);
        assertThat(s.bool("flag", false)).isTrue();
        assertThat(s.stringMap("map", Map.of())).containsEntry("a", "1");
        s.rejectUnknown();
    }

    @Test
    void aSettingNobodyAskedForIsRefusedWithTheKnownOnes() {
        ProtocolSection s = ProtocolSection.of("stomp", Map.of("max-framesize", "1MiB"));
        s.bytes("max-frame-size", 1);
        assertThatThrownBy(s::rejectUnknown).isInstanceOf(SettingException.class)
                .hasMessage("unknown setting 'max-framesize' at stomp; known settings there: [max-frame-size]");
    }

    @Test
    void errorsNameTheSettingByItsPath() {
        ProtocolSection s = ProtocolSection.of("aws", Map.of("access-keys", List.of(Map.of("id", "k")),
                "skew", "soon", "n", 1.5, "map", List.of()));
        assertThatThrownBy(() -> s.millis("skew", 0)).hasMessageStartingWith("aws.skew: 'soon' is not a duration");
        assertThatThrownBy(() -> s.integer("n", 0)).hasMessage("aws.n: '1.5' is not a whole number");
        assertThatThrownBy(() -> s.stringMap("map", Map.of())).hasMessageStartingWith("aws.map: expected a mapping");
        ProtocolSection key = s.sections("access-keys").get(0);
        assertThat(key.path()).isEqualTo("aws.access-keys[0]");
        assertThat(key.string("id", null)).isEqualTo("k");
        assertThat(key.string("user", "nobody")).isEqualTo("nobody");
        assertThatThrownBy(() -> ProtocolSection.parseBytes("200%", "broker.memory-limit"))
                .hasMessageContaining("more than the whole heap");
    }
}
