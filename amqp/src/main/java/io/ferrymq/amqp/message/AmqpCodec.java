package io.ferrymq.amqp.message;

import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;

import java.nio.ByteBuffer;

/**
 * Proton's AMQP type codec with every defined type registered. Encoders and decoders keep state, so each
 * thread (each event loop) has its own.
 */
public final class AmqpCodec {

    private static final ThreadLocal<AmqpCodec> LOCAL = ThreadLocal.withInitial(AmqpCodec::new);

    private final DecoderImpl decoder = new DecoderImpl();
    private final EncoderImpl encoder = new EncoderImpl(decoder);

    private AmqpCodec() {
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
    }

    public static AmqpCodec get() {
        return LOCAL.get();
    }

    /** Encodes the values one after the other (message sections, or a frame's performative). */
    public byte[] encode(Object... values) {
        GrowableBuffer out = new GrowableBuffer(256);
        encodeInto(out, values);
        return out.toByteArray();
    }

    public void encodeInto(GrowableBuffer out, Object... values) {
        encoder.setByteBuffer(out);
        for (Object v : values) {
            if (v != null) {
                encoder.writeObject(v);
            }
        }
    }

    /** Decodes one value at the buffer's position and advances past it. */
    public Object decode(ByteBuffer in) {
        decoder.setByteBuffer(in);
        return decoder.readObject();
    }
}
