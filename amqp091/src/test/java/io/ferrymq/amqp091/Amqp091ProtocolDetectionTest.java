package io.ferrymq.amqp091;

import io.ferrymq.transport.ProtocolModule.Detection;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Port unification: the 0-9-1 header is ours, AMQP 1.0's headers are not, other AMQP versions get ours back. */
class Amqp091ProtocolDetectionTest {

    private final Amqp091Protocol protocol = new Amqp091Protocol(null, Amqp091Settings.defaults());

    private Detection detect(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return detect(bytes);
    }

    private Detection detect(byte[] bytes) {
        return protocol.detect(Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void theAmqp091HeaderMatches() {
        assertThat(detect('A', 'M', 'Q', 'P', 0, 0, 9, 1)).isEqualTo(Detection.MATCH);
    }

    @Test
    void aPartialHeaderNeedsMore() {
        assertThat(detect('A', 'M', 'Q')).isEqualTo(Detection.NEED_MORE);
        assertThat(detect('A', 'M', 'Q', 'P', 0, 0)).isEqualTo(Detection.NEED_MORE);
    }

    @Test
    void amqp10HeadersAreLeftToTheAmqp10Module() {
        assertThat(detect('A', 'M', 'Q', 'P', 0, 1, 0, 0)).isEqualTo(Detection.NO_MATCH);
        assertThat(detect('A', 'M', 'Q', 'P', 3, 1, 0, 0)).isEqualTo(Detection.NO_MATCH);
        assertThat(detect('A', 'M', 'Q', 'P', 2, 1, 0, 0)).isEqualTo(Detection.NO_MATCH);
    }

    @Test
    void otherAmqpVersionsAreAnotherVersionOfOurs() {
        assertThat(detect('A', 'M', 'Q', 'P', 1, 1, 0, 10)).isEqualTo(Detection.OTHER_VERSION);
        assertThat(detect('A', 'M', 'Q', 'P', 1, 1, 8, 0)).isEqualTo(Detection.OTHER_VERSION);
    }

    @Test
    void otherProtocolsDoNotMatch() {
        assertThat(detect("CONNECT\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Detection.NO_MATCH);
        assertThat(detect(0x10, 0x0c, 0, 4, 'M', 'Q', 'T', 'T')).isEqualTo(Detection.NO_MATCH);
    }
}
