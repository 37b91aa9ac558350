package io.ferrymq.core.policy;

import java.util.Locale;

/** What a queue does when a publish would take it past its max length or max bytes. */
public enum OverflowPolicy {
    /** The publish fails with a resource-limit error; nothing is enqueued anywhere. */
    REJECT_PUBLISH,
    /** The oldest ready messages are dropped (dead-lettered with reason {@code maxlen}) to make room. */
    DROP_HEAD,
    /**
     * The message is taken but the producer's confirmation is held back until the queue drains below
     * its limits, so adapters stop reading from that producer (TCP back-pressure, withheld credit).
     */
    BLOCK;

    public static OverflowPolicy parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (t) {
            case "reject-publish", "reject" -> REJECT_PUBLISH;
            case "drop-head" -> DROP_HEAD;
            case "block" -> BLOCK;
            default -> throw new IllegalArgumentException("unknown overflow policy '" + text
                    + "'; expected reject-publish, drop-head or block");
        };
    }
}
