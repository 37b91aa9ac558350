package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/**
 * Unary plus or minus on a value only known when the message is seen. Unary plus is kept as a node
 * because it still asserts "this is a number": {@code +x} is NULL when x holds a string.
 */
record Sign(Expression operand, boolean negate) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        return apply(operand.evaluate(values), negate);
    }

    static Object apply(Object value, boolean negate) {
        if (!(value instanceof Number n)) {
            return null;
        }
        if (!negate) {
            return n;
        }
        return Numbers.isIntegral(n) ? (Object) (-n.longValue()) : (Object) (-n.doubleValue());
    }

    @Override
    public String toString() {
        return "(" + (negate ? "-" : "+") + operand + ")";
    }
}
