package io.ferrymq.core.filter.selector;

/**
 * Binary arithmetic with Java semantics over the promoted type: integral operands are computed in
 * long (wrapping on overflow, truncating division), anything else in double (IEEE, so 1.0 / 0 is
 * Infinity). A NULL or non-numeric operand, or an integral division by zero, yields NULL: evaluation
 * must never throw, and NULL makes the enclosing comparison UNKNOWN.
 */
enum ArithmeticOperator {
    PLUS("+"), MINUS("-"), TIMES("*"), DIVIDE("/");

    private final String symbol;

    ArithmeticOperator(String symbol) {
        this.symbol = symbol;
    }

    String symbol() {
        return symbol;
    }

    Object apply(Object left, Object right) {
        if (!(left instanceof Number a) || !(right instanceof Number b)) {
            return null;
        }
        if (Numbers.bothIntegral(a, b)) {
            long x = a.longValue();
            long y = b.longValue();
            switch (this) {
                case PLUS: return x + y;
                case MINUS: return x - y;
                case TIMES: return x * y;
                default: return y == 0 ? null : x / y;
            }
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        switch (this) {
            case PLUS: return x + y;
            case MINUS: return x - y;
            case TIMES: return x * y;
            default: return x / y;
        }
    }
}
