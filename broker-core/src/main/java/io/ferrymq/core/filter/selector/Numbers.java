package io.ferrymq.core.filter.selector;

/**
 * Java numeric promotion as JMS prescribes it for comparisons and arithmetic: two integral values
 * (Byte, Short, Integer, Long) are handled as long, anything involving a Float, a Double or another
 * Number as double. Reading through {@link Number} accessors avoids boxing on the comparison path.
 */
final class Numbers {

    private Numbers() {
    }

    static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    static boolean bothIntegral(Number a, Number b) {
        return isIntegral(a) && isIntegral(b);
    }
}
