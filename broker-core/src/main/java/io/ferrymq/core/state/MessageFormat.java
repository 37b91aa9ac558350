package io.ferrymq.core.state;

import io.ferrymq.core.journal.MessageCodec;
import io.ferrymq.core.message.Message;

/**
 * Messages as state-store values (MQTT's retained messages), in the form the journal stores them: every field
 * of the message survives, and a later broker version still reads what an earlier one wrote.
 */
public final class MessageFormat {

    private MessageFormat() {
    }

    public static byte[] encode(Message m) {
        return MessageCodec.encode(m);
    }

    /** @throws IllegalArgumentException or another runtime exception for bytes {@link #encode} did not write */
    public static Message decode(byte[] value) {
        return MessageCodec.decode(value, 0, value.length);
    }
}
