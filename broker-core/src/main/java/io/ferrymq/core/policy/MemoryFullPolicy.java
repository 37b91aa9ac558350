package io.ferrymq.core.policy;

import java.util.Locale;

/** What a queue does with new messages when it (or the broker) is at its memory limit. */
public enum MemoryFullPolicy {
    /** Write them to the queue's page files and read them back in order as consumers catch up. */
    PAGE,
    /** Hold back the producers' confirmations so that adapters stop reading from them. */
    BLOCK;

    public static MemoryFullPolicy parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "page" -> PAGE;
            case "block" -> BLOCK;
            default -> throw new IllegalArgumentException("unknown memory-full policy '" + text + "'; expected page or block");
        };
    }
}
