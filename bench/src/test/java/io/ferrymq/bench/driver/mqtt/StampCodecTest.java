package io.ferrymq.bench.driver.mqtt;

import io.ferrymq.bench.driver.Stamp;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class StampCodecTest {

    @Test
    void aStampSurvivesThePayloadAndKeepsTheBodyLength() {
        byte[] body = new byte[1024];
        byte[] stamped = StampCodec.stamped(body, new Stamp(7, 123_456_789_012L, -42L));
        assertThat(stamped).hasSize(1024);
        assertThat(StampCodec.read(ByteBuffer.wrap(stamped))).isEqualTo(new Stamp(7, 123_456_789_012L, -42L));
    }

    @Test
    void aShortBodyGrowsToHoldTheStamp() {
        byte[] stamped = StampCodec.stamped(new byte[3], new Stamp(1, 2, 3));
        assertThat(stamped).hasSize(StampCodec.LENGTH);
        assertThat(StampCodec.read(ByteBuffer.wrap(stamped))).isEqualTo(new Stamp(1, 2, 3));
    }

    @Test
    void aForeignPayloadHasNoStamp() {
        assertThat(StampCodec.read(ByteBuffer.wrap("hello".getBytes()))).isNull();
        assertThat(StampCodec.read(ByteBuffer.wrap(new byte[64]))).isNull();
    }
}
