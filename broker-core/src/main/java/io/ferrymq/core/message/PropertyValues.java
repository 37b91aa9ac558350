package io.ferrymq.core.message;

import java.util.Arrays;
import java.util.Map;

/** The rules for typed application property values shared by every protocol. */
public final class PropertyValues {

    private PropertyValues() {
    }

    /** Strings, booleans, the Java numeric boxes, characters, byte arrays and null are allowed. */
    public static boolean isValid(Object v) {
        return v == null || v instanceof String || v instanceof Boolean || v instanceof Byte
                || v instanceof Short || v instanceof Integer || v instanceof Long || v instanceof Float
                || v instanceof Double || v instanceof Character || v instanceof byte[];
    }

    static long estimatedSize(Object v) {
        if (v instanceof String s) {
            return 40 + 2L * s.length();
        }
        if (v instanceof byte[] b) {
            return 16 + b.length;
        }
        return 16;
    }

    static boolean sameProperties(Map<String, Object> a, Map<String, Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                return false;
            }
            Object x = e.getValue();
            Object y = b.get(e.getKey());
            if (x instanceof byte[] xb && y instanceof byte[] yb) {
                if (!Arrays.equals(xb, yb)) {
                    return false;
                }
            } else if (x == null ? y != null : !x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /** Renders a property value as text, for protocols whose headers are strings (STOMP). */
    public static String asText(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof byte[] b) {
            return java.util.Base64.getEncoder().encodeToString(b);
        }
        return v.toString();
    }
}
