package io.ferrymq.amqp091.codec;

/**
 * A connection error found while decoding (a bad frame, malformed arguments, an unknown method): the
 * connection closes with {@code replyCode} and the text.
 */
public final class AmqpFrameException extends RuntimeException {

    private final int replyCode;

    public AmqpFrameException(int replyCode, String message) {
        super(message, null, false, false);
        this.replyCode = replyCode;
    }

    public int replyCode() {
        return replyCode;
    }
}
