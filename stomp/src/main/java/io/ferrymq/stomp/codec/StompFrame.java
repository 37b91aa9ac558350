package io.ferrymq.stomp.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
    private static final String[] NO_HEADERS = new String[0];

    private final String command;
    /**
     * Names and values alternating, in wire order ({@code [name0, value0, name1, value1, ...]}): one array per
     * frame rather than an entry object per header and a list around them, since every SEND a producer writes is
     * decoded into one of these.
     */
    private final String[] headers;
    private final byte[] body;

    private StompFrame(String command, String[] headers, byte[] body) {
        this.command = Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        this.headers = headers;
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

    /**
     * A frame without a body and with one header, such as the RECEIPT a producer gets for every receipted SEND:
     * made straight from its one header array, without a builder.
     */
    public static StompFrame withHeader(String command, String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        return new StompFrame(command, new String[] {name, value}, EMPTY);
    }

    public static Builder builder(String command) {
        return new Builder(command);
    }

    /**
     * The decoder hands over arrays it owns (names and values alternating, exactly {@code 2 * count} long), so
     * the copies of the public path are skipped.
     */
    static StompFrame decoded(String command, String[] headers, byte[] body) {
        return new StompFrame(command, headers, body);
    }

    public String command() {
        return command;
    }

    /** The first value of the header, or null if the frame has none of that name. */
    public String header(String name) {
        String[] h = headers;
        for (int i = 0; i < h.length; i += 2) {
            if (h[i].equals(name)) {
                return h[i + 1];
            }
        }
        return null;
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    /** How many header entries the frame has, repeats included. */
    public int headerCount() {
        return headers.length >> 1;
    }

    /** The name of the i-th header entry in wire order. */
    public String headerName(int i) {
        return headers[i << 1];
    }

    /** The value of the i-th header entry in wire order. */
    public String headerValue(int i) {
        return headers[(i << 1) + 1];
    }

    /**
     * All header entries in wire order, repeats included, as a new unmodifiable list. The hot paths read
     * {@link #headerName}/{@link #headerValue} instead, which allocate nothing.
     */
    public List<Map.Entry<String, String>> headers() {
        List<Map.Entry<String, String>> list = new ArrayList<>(headerCount());
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return Collections.unmodifiableList(list);
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
        return command.equals(other.command) && Arrays.equals(headers, other.headers) && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(command, Arrays.hashCode(headers), Arrays.hashCode(body));
    }

    /** Shows the body's size, not its bytes, because bodies can be large and binary. */
    @Override
    public String toString() {
        return "StompFrame[" + command + ", headers=" + headers() + ", body=" + body.length + " bytes]";
    }

    /** Collects headers in the order given. Not thread-safe; each {@link #build()} takes a snapshot. */
    public static final class Builder {

        private final String command;
        private String[] headers = NO_HEADERS;
        private int size;
        private byte[] body = EMPTY;

        private Builder(String command) {
            this.command = Objects.requireNonNull(command, "command");
        }

        /** Appends an entry; an existing entry of the same name is kept and stays first. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            if (size == headers.length) {
                headers = Arrays.copyOf(headers, Math.max(8, size * 2));
            }
            headers[size++] = name;
            headers[size++] = value;
            return this;
        }

        /** Sets the body (shared, not copied: the caller must not modify it afterwards); null means empty. */
        public Builder body(byte[] body) {
            this.body = body == null || body.length == 0 ? EMPTY : body;
            return this;
        }

        public StompFrame build() {
            return new StompFrame(command, size == 0 ? NO_HEADERS : Arrays.copyOf(headers, size), body);
        }
    }
}
