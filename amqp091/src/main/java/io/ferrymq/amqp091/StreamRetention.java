package io.ferrymq.amqp091;

import io.ferrymq.core.errors.BrokerException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A stream queue's retention arguments in RabbitMQ's forms: {@code x-max-age} as {@code 7D}, {@code 12h}, {@code 30s}. */
final class StreamRetention {

    private static final Pattern AGE = Pattern.compile("(\\d+)(Y|M|D|h|m|s)");

    private StreamRetention() {
    }

    static long maxAgeMillis(Object value) {
        Matcher m = AGE.matcher(String.valueOf(value));
        if (!m.matches() || Long.parseLong(m.group(1)) <= 0) {
            throw BrokerException.preconditionFailed("invalid arg 'x-max-age': " + value
                    + " (a whole number followed by one of Y, M, D, h, m, s, e.g. 7D)");
        }
        long n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "Y" -> 365L * 24 * 3600;
            case "M" -> 30L * 24 * 3600;
            case "D" -> 24L * 3600;
            case "h" -> 3600;
            case "m" -> 60;
            default -> 1;
        };
        return n * unit * 1000;
    }

    static long positive(String name, Object value) {
        if (!(value instanceof Number n) || n.longValue() <= 0 || value instanceof Float || value instanceof Double) {
            throw BrokerException.preconditionFailed("invalid arg '" + name + "': " + value
                    + " (it must be a whole number above 0)");
        }
        return n.longValue();
    }
}
