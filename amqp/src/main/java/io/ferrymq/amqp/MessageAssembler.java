package io.ferrymq.amqp;

import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;

import java.util.Arrays;

/**
 * Collects the transfers of one incoming message as they arrive, so that Proton's session window opens
 * again at once and a large message never waits on its own frames; refuses messages over the size limit.
 */
final class MessageAssembler {

    private final long maxMessageSize;
    private byte[] buffer = new byte[0];
    private int size;

    MessageAssembler(long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /** Takes what has arrived of the current delivery. @return false when the message is too large */
    boolean read(Receiver receiver, Delivery delivery) {
        int pending = delivery.pending();
        if (pending <= 0) {
            return true;
        }
        long total = (long) size + pending;
        if ((maxMessageSize > 0 && total > maxMessageSize) || total > Integer.MAX_VALUE - 16) {
            return false;
        }
        if (total > buffer.length) {
            long grown = Math.max(total, Math.min((long) buffer.length * 2, Integer.MAX_VALUE - 16));
            buffer = Arrays.copyOf(buffer, (int) grown);
        }
        int n = receiver.recv(buffer, size, pending);
        if (n > 0) {
            size += n;
        }
        return true;
    }

    /** Drops what has arrived of the current delivery (the rest of a refused message), keeping the window open. */
    void discard(Delivery delivery, Receiver receiver) {
        byte[] scratch = new byte[Math.min(Math.max(delivery.pending(), 0), 64 * 1024)];
        while (delivery.pending() > 0 && receiver.recv(scratch, 0, scratch.length) > 0) {
            // dropped
        }
    }

    /** The complete message; the assembler is empty afterwards. */
    byte[] take() {
        byte[] message = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        reset();
        return message;
    }

    void reset() {
        buffer = new byte[0];
        size = 0;
    }
}
