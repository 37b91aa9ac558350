package io.ferrymq.aws.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The event-stream framing: lengths, headers and both CRC32s, checked against a hand-computed prelude. */
class EventStreamMessagesTest {

    @Test
    void anEventHasThePreludeHeadersPayloadAndChecksumsAwsDefines() {
        byte[] payload = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] m = EventStreamMessages.event("SubscribeToShardEvent", "application/x-amz-json-1.1", payload);
        ByteBuffer b = ByteBuffer.wrap(m);
        assertThat(b.getInt(0)).isEqualTo(m.length);
        int headers = b.getInt(4);
        assertThat(m.length).isEqualTo(12 + headers + payload.length + 4);
        CRC32 crc = new CRC32();
        crc.update(m, 0, 8);
        assertThat(b.getInt(8)).isEqualTo((int) crc.getValue());
        crc.reset();
        crc.update(m, 0, m.length - 4);
        assertThat(b.getInt(m.length - 4)).isEqualTo((int) crc.getValue());
        // The first header: name length, ":event-type", type 7 (string), value length, value.
        assertThat(m[12]).isEqualTo((byte) ":event-type".length());
        assertThat(new String(m, 13, 11, StandardCharsets.US_ASCII)).isEqualTo(":event-type");
        assertThat(m[24]).isEqualTo((byte) 7);

        EventStreamMessages.Message decoded = EventStreamMessages.decode(ByteBuffer.wrap(m));
        assertThat(decoded.headers()).containsEntry(":event-type", "SubscribeToShardEvent")
                .containsEntry(":message-type", "event").containsEntry(":content-type", "application/x-amz-json-1.1");
        assertThat(decoded.payload()).isEqualTo(payload);
    }

    @Test
    void aDamagedMessageIsRecognised() {
        byte[] m = EventStreamMessages.exception("ResourceInUseException", "application/json",
                "{\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(EventStreamMessages.decode(ByteBuffer.wrap(m)).headers())
                .containsEntry(":exception-type", "ResourceInUseException");
        byte[] payloadFlipped = m.clone();
        payloadFlipped[m.length - 6] ^= 1;
        assertThatThrownBy(() -> EventStreamMessages.decode(ByteBuffer.wrap(payloadFlipped)))
                .hasMessageContaining("message checksum");
        byte[] lengthFlipped = m.clone();
        lengthFlipped[3] ^= 1;
        assertThatThrownBy(() -> EventStreamMessages.decode(ByteBuffer.wrap(lengthFlipped)))
                .hasMessageContaining("prelude checksum");
        assertThatThrownBy(() -> EventStreamMessages.decode(ByteBuffer.wrap(new byte[5])))
                .hasMessageContaining("at least 16 bytes");
    }
}
