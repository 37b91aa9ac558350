package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpCodec;
import io.ferrymq.amqp.message.GrowableBuffer;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Open;

/**
 * Frames written without Proton's engine, for when the engine has stopped after a protocol error but the
 * client should still learn why: an open (if none was sent yet) and a close carrying the error.
 */
final class RawFrames {

    private RawFrames() {
    }

    static byte[] openAndClose(boolean openSent, String containerId, ErrorCondition error) {
        GrowableBuffer out = new GrowableBuffer(256);
        if (!openSent) {
            Open open = new Open();
            open.setContainerId(containerId);
            frame(out, open);
        }
        Close close = new Close();
        close.setError(error);
        frame(out, close);
        return out.toByteArray();
    }

    /** An AMQP frame on channel 0: size, data offset 2, type 0, channel, then the performative. */
    private static void frame(GrowableBuffer out, Object performative) {
        int start = out.position();
        out.putInt(0);
        out.put((byte) 2);
        out.put((byte) 0);
        out.putShort((short) 0);
        AmqpCodec.get().encodeInto(out, performative);
        int end = out.position();
        out.position(start);
        out.putInt(end - start);
        out.position(end);
    }
}
