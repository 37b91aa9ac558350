package io.ferrymq.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size in configuration: {@code 1048576}, {@code 512KiB}, {@code 16MiB}, {@code 2GiB}, {@code 10MB}, {@code 50%} (of max heap). */
public final class ByteSize {

    private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB|%)?");

    private ByteSize() {
    }

    public static long parse(String text, String setting) {
        Matcher m = FORM.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(setting + ": '" + text + "' is not a size; write bytes or a number with a unit,"
                    + " like 512KiB, 16MiB, 2GiB, or a percentage of the heap like 50%");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long bytes = switch (unit) {
            case "B" -> n;
            case "KB" -> n * 1000L;
            case "KIB" -> n * 1024L;
            case "MB" -> n * 1000_000L;
            case "MIB" -> n * 1024L * 1024;
            case "GB" -> n * 1000_000_000L;
            case "GIB" -> n * 1024L * 1024 * 1024;
            case "TB" -> n * 1000_000_000_000L;
            case "TIB" -> n * 1024L * 1024 * 1024 * 1024;
            case "%" -> {
                if (n > 100) {
                    throw new ConfigException(setting + ": " + text + " is more than the whole heap");
                }
                yield Runtime.getRuntime().maxMemory() / 100 * n;
            }
            default -> throw new IllegalStateException(unit);
        };
        return bytes;
    }
}
