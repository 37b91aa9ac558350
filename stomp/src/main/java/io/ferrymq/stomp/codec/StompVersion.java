package io.ferrymq.stomp.codec;

import java.util.Optional;

/** A STOMP protocol version, as written in the {@code accept-version} and {@code version} headers. */
public enum StompVersion {
    V1_0("1.0"),
    V1_1("1.1"),
    V1_2("1.2");

    private final String text;

    StompVersion(String text) {
        this.text = text;
    }

    /** The version as it appears on the wire, e.g. {@code "1.2"}. */
    public String text() {
        return text;
    }

    /** The version whose wire text is exactly {@code text}; empty for anything else, including null. */
    public static Optional<StompVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (StompVersion v : values()) {
            if (v.text.equals(text)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
