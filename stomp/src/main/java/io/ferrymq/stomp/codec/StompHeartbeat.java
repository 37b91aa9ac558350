package io.ferrymq.stomp.codec;

/**
 * The single heart-beat marker. The decoder emits it for every EOL received between frames; the
 * encoder writes it as one LF. Decoder and encoder share this one object so a handler can test
 * {@code msg == StompFrameDecoder.HEARTBEAT} or {@code msg instanceof StompHeartbeat}.
 */
public enum StompHeartbeat {
    INSTANCE;

    @Override
    public String toString() {
        return "HEARTBEAT";
    }
}
