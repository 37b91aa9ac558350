package io.ferrymq.stomp.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable STOMP frame. Headers keep wire order and repeats; {@link #header(String)} returns the
 * first occurrence because STOMP 1.2 ("Repeated Header Entries") says only the first is the value and
 * later ones are history a relay may keep.
 *
 * <p>Header names and values are held unescaped, as the application sees them; the codec escapes and
 * unescapes them on the wire according to the negotiated version.
 */
public final class StompFrame {

    private static final byte[] EMPTY = new byte[0];

    private final String command;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;

    private StompFrame(String command, List<Map.Entry<String, String>> headers, byte[] body) {
        this.command = Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        this.headers = List.copyOf(headers);
        this.body = body;
    }

    /**
     * A frame from a command, a body (null means empty) and header names and values alternating,
     * e.g. {@code of("SEND", bytes, "destination", "/queue/a", "receipt", "7")}.
     */
    public static StompFrame of(String command, byte[] body, String... nameValuePairs) {
        Objects.requireNonNull(nameValuePairs, "nameValuePairs");
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("header names and values must come in pairs, got "
                    + nameValuePairs.length + " strings");
        }
        Builder builder = builder(command);
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            builder.header(nameValuePairs[i], nameValuePairs[i + 1]);
        }
        return builder.body(body).build();
    }

    public static Builder builder(String command) {
        return new Builder(command);
    }

    /** The decoder hands over arrays it owns, so the defensive copies of the public path are skipped. */
    static StompFrame decoded(String command, List<Map.Entry<String, String>> headers, byte[] body) {
        return new StompFrame(command, headers, body);
    }

    public String command() {
        return command;
    }

    /** The first value of the header, or null if the frame has none of that name. */
    public String header(String name) {
        // Indexed rather than for-each: this runs several times per frame, and an iterator each time showed up
        // as a tenth of the STOMP path's allocation.
        for (int i = 0, n = headers.size(); i < n; i++) {
            Map.Entry<String, String> h = headers.get(i);
            if (h.getKey().equals(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    /** All header entries in wire order, repeats included. Unmodifiable. */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /**
     * The body, shared rather than copied: a message body travels from decoder to core to every
     * subscriber's encoder without a copy. Callers must not modify it.
     */
    public byte[] body() {
        return body;
    }

    public int bodyLength() {
        return body.length;
    }

    /** The body without a copy, for the encoder only: the array must not be modified. */
    byte[] bodyArray() {
        return body;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof StompFrame other)) {
            return false;
        }
        return command.equals(other.command) && headers.equals(other.headers) && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, headers, Arrays.hashCode(body));
    }

    /** Shows the body's size, not its bytes, because bodies can be large and binary. */
    @Override
    public String toString() {
        return "StompFrame[" + command + ", headers=" + headers + ", body=" + body.length + " bytes]";
    }

    /** Collects headers in the order given. Not thread-safe; each {@link #build()} takes a snapshot. */
    public static final class Builder {

        private final String command;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body = EMPTY;

        private Builder(String command) {
            this.command = Objects.requireNonNull(command, "command");
        }

        /** Appends an entry; an existing entry of the same name is kept and stays first. */
        public Builder header(String name, String value) {
            headers.add(Map.entry(Objects.requireNonNull(name, "header name"),
                    Objects.requireNonNull(value, "header value")));
            return this;
        }

        /** Sets the body (shared, not copied: the caller must not modify it afterwards); null means empty. */
        public Builder body(byte[] body) {
            this.body = body == null || body.length == 0 ? EMPTY : body;
            return this;
        }

        public StompFrame build() {
            return new StompFrame(command, headers, body);
        }
    }
}
