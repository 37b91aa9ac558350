package io.ferrymq.core.message;

/**
 * A message's original wire encoding, kept so that traffic staying within one protocol pays no
 * conversion. {@code format} names the encoding (for example {@code amqp-1.0}); only the adapter
 * that produced it interprets {@code value}. {@code heldBytes} is what it holds beside the message's
 * own fields (a copy of the body in a received frame, say), which memory limits count with the message.
 */
public record NativeForm(String format, Object value, long heldBytes) {

    public NativeForm(String format, Object value) {
        this(format, value, 0);
    }
}
