package io.ferrymq.ha;

import java.util.Locale;

/** What the active does while no standby is in sync ({@code ha.alone-policy}). */
public enum AlonePolicy {
    /** Confirms persistent writes on its own disk alone, as Amazon MQ does while a standby is replaced. */
    SERVE,
    /** Refuses persistent writes until a standby is in sync again: nothing is confirmed on one disk only. */
    REFUSE_PERSISTENT;

    static AlonePolicy parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "serve" -> SERVE;
            case "refuse-persistent" -> REFUSE_PERSISTENT;
            default -> throw new IllegalArgumentException("ha.alone-policy must be serve or refuse-persistent, was '"
                    + text + "'");
        };
    }
}
