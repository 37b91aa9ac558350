package io.ferrymq.bench.driver.mqtt;

import io.ferrymq.bench.driver.Stamp;

import java.nio.ByteBuffer;

/**
 * MQTT 3.1.1 has no message properties, so the stamp travels in the first bytes of the payload (producer,
 * sequence, send time), which every MQTT broker passes through untouched. The rest of the body is filler.
 */
final class StampCodec {

    static final int LENGTH = Integer.BYTES + Long.BYTES + Long.BYTES;
    private static final int MAGIC = 0x46_42_00_00; // "FB": the high half of the producer field marks a stamp

    private StampCodec() {
    }

    /** The body with the stamp written over its start; bodies shorter than the stamp grow to fit it. */
    static byte[] stamped(byte[] body, Stamp stamp) {
        byte[] out = new byte[Math.max(body.length, LENGTH)];
        System.arraycopy(body, 0, out, 0, body.length);
        ByteBuffer.wrap(out).putInt(MAGIC | (stamp.producer() & 0xFFFF)).putLong(stamp.sequence())
                .putLong(stamp.sentNanos());
        return out;
    }

    /** The stamp at the start of a payload, or null when it has none (a message this run did not send). */
    static Stamp read(ByteBuffer payload) {
        if (payload.remaining() < LENGTH) {
            return null;
        }
        ByteBuffer b = payload.duplicate();
        int head = b.getInt();
        if ((head & 0xFFFF_0000) != MAGIC) {
            return null;
        }
        return new Stamp(head & 0xFFFF, b.getLong(), b.getLong());
    }
}
