package io.ferrymq.core.filter.selector;

/**
 * The comparison operators and the JMS rules for applying them to values of any type:
 * <ul>
 * <li>NULL on either side gives UNKNOWN;</li>
 * <li>numbers compare after Java numeric promotion, with Java's primitive semantics (so NaN is
 *     unequal to everything and {@code 0.0 = -0.0});</li>
 * <li>"only like type values can be compared ... if the comparison of non-like type values is
 *     attempted, the value of the operation is false" (JMS 2.0 §3.8.1.1): a string against a number
 *     is FALSE for every operator, {@code <>} included;</li>
 * <li>strings and booleans support only {@code =} and {@code <>}; the parser rejects ordering of
 *     string or boolean literals, and ordering of such values read from a message is UNKNOWN.</li>
 * </ul>
 */
enum ComparisonOperator {
    EQUAL("="), NOT_EQUAL("<>"), LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">=");

    private final String symbol;

    ComparisonOperator(String symbol) {
        this.symbol = symbol;
    }

    String symbol() {
        return symbol;
    }

    boolean isEquality() {
        return this == EQUAL || this == NOT_EQUAL;
    }

    Boolean apply(Object left, Object right) {
        if (left == null || right == null) {
            return null;
        }
        if (left instanceof Number a && right instanceof Number b) {
            return Logic.of(Numbers.bothIntegral(a, b) ? test(a.longValue(), b.longValue())
                    : test(a.doubleValue(), b.doubleValue()));
        }
        boolean likeTypes = (left instanceof String && right instanceof String)
                || (left instanceof Boolean && right instanceof Boolean);
        if (!likeTypes) {
            return Boolean.FALSE;
        }
        if (!isEquality()) {
            return null;
        }
        return Logic.of(left.equals(right) == (this == EQUAL));
    }

    private boolean test(long a, long b) {
        switch (this) {
            case EQUAL: return a == b;
            case NOT_EQUAL: return a != b;
            case LESS: return a < b;
            case LESS_OR_EQUAL: return a <= b;
            case GREATER: return a > b;
            default: return a >= b;
        }
    }

    private boolean test(double a, double b) {
        switch (this) {
            case EQUAL: return a == b;
            case NOT_EQUAL: return a != b;
            case LESS: return a < b;
            case LESS_OR_EQUAL: return a <= b;
            case GREATER: return a > b;
            default: return a >= b;
        }
    }
}
