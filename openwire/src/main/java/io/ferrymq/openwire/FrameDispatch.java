package io.ferrymq.openwire;

import org.apache.activemq.command.MessageDispatch;

/**
 * A MessageDispatch whose message is a received frame passed on as it is ({@link ReceivedFrame}), with this
 * delivery's broker sequence id; {@link OpenwireCodec} writes it without marshalling the message.
 */
final class FrameDispatch extends MessageDispatch {

    private final ReceivedFrame frame;
    private final byte[] header;
    private final long sequence;

    FrameDispatch(ReceivedFrame frame, byte[] header, long sequence, int redeliveryCounter) {
        this.frame = frame;
        this.header = header;
        this.sequence = sequence;
        setRedeliveryCounter(redeliveryCounter);
    }

    ReceivedFrame frame() {
        return frame;
    }

    /** {@link OpenwireCodec#dispatchHeader}'s bytes for the consumer. */
    byte[] header() {
        return header;
    }

    long sequence() {
        return sequence;
    }
}
