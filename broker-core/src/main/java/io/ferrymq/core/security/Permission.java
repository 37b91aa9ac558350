package io.ferrymq.core.security;

import java.util.Locale;

/** What a principal may do to an exchange, queue or stream whose name matches a rule's pattern. */
public enum Permission {
    /** Publish to an exchange (or a queue through the default exchange). */
    SEND,
    /** Consume from, browse or pull from a queue. */
    CONSUME,
    /** Declare queues, exchanges and bindings (including auto-creation). */
    CREATE,
    /** Delete or purge them. */
    DELETE,
    /** Administrative views and operations on them. */
    MANAGE;

    public static Permission parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown permission '" + text
                    + "'; expected one of send, consume, create, delete, manage");
        }
    }
}
