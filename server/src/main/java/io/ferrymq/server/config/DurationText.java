package io.ferrymq.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration in configuration: {@code 250} (milliseconds), {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(MS|S|M|H|D)?");

    private DurationText() {
    }

    public static long millis(String text, String setting) {
        Matcher m = FORM.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(setting + ": '" + text + "' is not a duration; write milliseconds or a number"
                    + " with a unit, like 500ms, 30s, 5m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "MS" : m.group(2);
        return switch (unit) {
            case "MS" -> n;
            case "S" -> n * 1000;
            case "M" -> n * 60_000;
            case "H" -> n * 3_600_000;
            case "D" -> n * 86_400_000;
            default -> throw new IllegalStateException(unit);
        };
    }
}
