package io.ferrymq.amqp.message;

/** Bytes that are not a well-formed AMQP 1.0 message (answered with {@code amqp:decode-error}). */
public final class AmqpDecodeException extends RuntimeException {

    public AmqpDecodeException(String message) {
        super(message, null, false, false);
    }

    public AmqpDecodeException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
