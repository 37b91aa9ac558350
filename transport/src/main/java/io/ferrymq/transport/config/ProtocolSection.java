package io.ferrymq.transport.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One protocol's section of {@code broker.yaml} (or an entry of a list in it) as plain values, read by the
 * protocol module itself. Each getter takes the module's default for an absent or {@code null} setting;
 * {@link #rejectUnknown()} then refuses any setting nobody asked for, so a misspelt setting is an error
 * naming it rather than a silently ignored line. Errors name the setting by its path, like
 * {@code stomp.max-frame-size}.
 */
public final class ProtocolSection {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB|%)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(MS|S|M|H|D)?");

    private final String path;
    private final Map<String, Object> values;
    private final Set<String> asked = new TreeSet<>();

    private ProtocolSection(String path, Map<String, ?> values) {
        this.path = path;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * @param path   where the section is, for error messages: the protocol's name for a whole section
     * @param values setting name to value: strings, numbers, booleans, lists and maps as YAML gives them;
     *               null for a section the file does not have
     */
    public static ProtocolSection of(String path, Map<String, ?> values) {
        return new ProtocolSection(path, values == null ? Map.of() : values);
    }

    /** Where this section is, like {@code aws} or {@code aws.access-keys[0]}. */
    public String path() {
        return path;
    }

    /** The setting's full name for messages: {@code stomp.max-frame-size}. */
    public String setting(String key) {
        return path + "." + key;
    }

    /** Whether the file gives the setting a value. */
    public boolean has(String key) {
        asked.add(key);
        return values.get(key) != null;
    }

    /** The value as text; an explicit {@code null} gives null (for settings where null means "not set"). */
    public String string(String key, String fallback) {
        if (!values.containsKey(key)) {
            asked.add(key);
            return fallback;
        }
        Object v = scalar(key);
        return v == null ? null : v.toString();
    }

    public int integer(String key, int fallback) {
        long v = longValue(key, fallback);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(key, "'" + values.get(key) + "' is too large");
        }
        return (int) v;
    }

    public long longValue(String key, long fallback) {
        Object v = scalar(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw error(key, "'" + v + "' is not a whole number");
        }
    }

    public boolean bool(String key, boolean fallback) {
        Object v = scalar(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String text = v.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw error(key, "'" + v + "' is not true or false");
    }

    /** A size: {@code 1048576}, {@code 512KiB}, {@code 16MiB}, {@code 2GiB}, {@code 10MB}, or {@code 50%} of the heap. */
    public long bytes(String key, long fallback) {
        Object v = scalar(key);
        return v == null ? fallback : parseBytes(v.toString(), setting(key));
    }

    /** A size that must fit an {@code int} (frame and packet sizes); larger values are capped. */
    public int intBytes(String key, int fallback) {
        return (int) Math.min(Integer.MAX_VALUE, bytes(key, fallback));
    }

    /** A duration in milliseconds: {@code 250} (milliseconds), {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    public long millis(String key, long fallback) {
        Object v = scalar(key);
        return v == null ? fallback : parseMillis(v.toString(), setting(key));
    }

    public Duration duration(String key, Duration fallback) {
        Object v = scalar(key);
        return v == null ? fallback : Duration.ofMillis(parseMillis(v.toString(), setting(key)));
    }

    /** A mapping of names to text values, like {@code account-vhosts}. */
    public Map<String, String> stringMap(String key, Map<String, String> fallback) {
        Object v = present(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw error(key, "expected a mapping of names to values, got " + describe(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, value) -> {
            if (value instanceof Map<?, ?> || value instanceof List<?>) {
                throw error(key, "the value of '" + k + "' must be a single value");
            }
            out.put(String.valueOf(k), value == null ? null : value.toString());
        });
        return out;
    }

    /** A list of mappings, each read as a section of its own ({@code aws.access-keys[0]}). */
    public List<ProtocolSection> sections(String key) {
        Object v = present(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw error(key, "expected a list, got " + describe(v));
        }
        List<ProtocolSection> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = setting(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new SettingException(at + ": expected a mapping of settings, got " + describe(list.get(i)));
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            m.forEach((k, value) -> entry.put(String.valueOf(k), value));
            out.add(new ProtocolSection(at, entry));
        }
        return out;
    }

    /**
     * @throws SettingException for a setting in the file that no getter asked for, listing the known ones
     */
    public void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!asked.contains(key)) {
                throw new SettingException("unknown setting '" + key + "' at " + path + "; known settings there: "
                        + asked);
            }
        }
    }

    /** An error about one setting: {@code stomp.max-headers: ...}. */
    public SettingException error(String key, String message) {
        return new SettingException(setting(key) + ": " + message);
    }

    /** An error about the section as a whole, such as a combination its record refuses: {@code mqtt: ...}. */
    public SettingException error(String message) {
        return new SettingException(path + ": " + message);
    }

    private Object present(String key) {
        asked.add(key);
        return values.get(key);
    }

    /** A single value (not a list or mapping), or null when absent. */
    private Object scalar(String key) {
        Object v = present(key);
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw error(key, "expected a single value, got " + describe(v));
        }
        return v;
    }

    private static String describe(Object v) {
        return v instanceof Map<?, ?> ? "a mapping" : v instanceof List<?> ? "a list" : "'" + v + "'";
    }

    /** Parses a size as {@link #bytes} does; {@code setting} names it in the error. */
    public static long parseBytes(String text, String setting) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SettingException(setting + ": '" + text + "' is not a size; write bytes or a number with a unit,"
                    + " like 512KiB, 16MiB, 2GiB, or a percentage of the heap like 50%");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return switch (unit) {
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
                    throw new SettingException(setting + ": " + text + " is more than the whole heap");
                }
                yield Runtime.getRuntime().maxMemory() / 100 * n;
            }
            default -> throw new IllegalStateException(unit);
        };
    }

    /** Parses a duration as {@link #millis} does; {@code setting} names it in the error. */
    public static long parseMillis(String text, String setting) {
        Matcher m = DURATION.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SettingException(setting + ": '" + text + "' is not a duration; write milliseconds or a number"
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
