package io.ferrymq.core.state;

import io.ferrymq.core.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A message kept as a state value comes back with every field it had. */
class MessageFormatTest {

    @Test
    void aMessageSurvivesTheRoundTripWithItsPropertiesAndHeaders() {
        Message m = Message.builder().body("21.5".getBytes(StandardCharsets.UTF_8)).durable(true)
                .contentType("text/plain").expiration(123_456L).timestamp(100L)
                .property("x-mqtt-qos", 1).property("unit", "celsius").build();

        Message back = MessageFormat.decode(MessageFormat.encode(m));

        assertThat(back.body()).isEqualTo(m.body());
        assertThat(back.durable()).isTrue();
        assertThat(back.contentType()).isEqualTo("text/plain");
        assertThat(back.expiration()).isEqualTo(123_456L);
        assertThat(back.timestamp()).isEqualTo(100L);
        assertThat(back.properties()).isEqualTo(m.properties());
    }
}
