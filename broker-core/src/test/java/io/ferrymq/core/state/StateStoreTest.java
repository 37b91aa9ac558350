package io.ferrymq.core.state;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Protocol state written through a state store is journalled and comes back after a restart. */
class StateStoreTest {

    private static TestBroker broker(Path dir) {
        return TestBroker.builder().storage(Journal.open(JournalOptions.defaults(dir).withSegmentSize(64 * 1024))).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void valuesSurviveARestartAndRemovalsStayRemoved(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            StateStore retained = tb.broker().stateStore("mqtt.retained");
            retained.put("sensors/a", bytes("1")).join();
            retained.put("sensors/b", bytes("2")).join();
            retained.put("sensors/a", bytes("3")).join();
            retained.remove("sensors/b").join();
            tb.broker().stateStore("mqtt.session").put("client-1", bytes("session")).join();
            assertThat(new String(retained.get("sensors/a").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("3");
        }
        try (TestBroker tb = broker(dir)) {
            StateStore retained = tb.broker().stateStore("mqtt.retained");
            assertThat(retained.all()).containsOnlyKeys("sensors/a");
            assertThat(new String(retained.get("sensors/a").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("3");
            assertThat(tb.broker().stateStore("mqtt.session").get("client-1")).isPresent();
            assertThat(tb.broker().stateStore("other").all()).isEmpty();
            assertThat(retained.remove("never-there")).isDone();
        }
    }
}
