package io.ferrymq.core.filter.selector;

/**
 * The three-valued logic of JMS selectors, with UNKNOWN as {@code null}. A value that is not a
 * Boolean (a string property used as a condition, say) is UNKNOWN, never an error.
 */
final class Logic {

    private Logic() {
    }

    static Boolean not(Object v) {
        return v instanceof Boolean b ? (b ? Boolean.FALSE : Boolean.TRUE) : null;
    }

    static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return Boolean.FALSE;
        }
        return a == null || b == null ? null : Boolean.TRUE;
    }

    static Boolean or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return Boolean.TRUE;
        }
        return a == null || b == null ? null : Boolean.FALSE;
    }

    static Boolean of(boolean b) {
        return b ? Boolean.TRUE : Boolean.FALSE;
    }

    static String render(Expression[] operands, String operator) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < operands.length; i++) {
            if (i > 0) {
                sb.append(operator);
            }
            sb.append(operands[i]);
        }
        return sb.append(')').toString();
    }
}
