package io.ferrymq.core.routing;

import java.util.Locale;

/** How an exchange picks bindings for a routing key. */
public enum ExchangeType {
    /** The binding key equals the routing key. */
    DIRECT,
    /** Every binding. */
    FANOUT,
    /** Binding keys are {@link NamePattern}s over dot-separated words. */
    TOPIC,
    /** Binding arguments are matched against message properties ({@code x-match: all|any}). */
    HEADERS;

    public static ExchangeType parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown exchange type '" + text
                    + "'; expected direct, fanout, topic or headers");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
