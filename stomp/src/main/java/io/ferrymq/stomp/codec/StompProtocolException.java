package io.ferrymq.stomp.codec;

/**
 * Malformed or over-limit input from the peer. The message is written for a person: the connection
 * handler puts it in the ERROR frame it sends before closing. Messages are printable ASCII and never
 * echo peer bytes, so they are safe as a header value in every STOMP version.
 */
public final class StompProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StompProtocolException(String message) {
        super(message);
    }
}
