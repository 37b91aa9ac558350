package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/**
 * {@code x [NOT] BETWEEN low AND high}, evaluated exactly as the equivalences the JMS specification
 * gives: {@code x >= low AND x <= high}, and for NOT BETWEEN {@code x < low OR x > high}. Following
 * them literally matters for odd inputs: a string x makes both forms FALSE, and a NULL bound can
 * still give a definite answer ({@code 20 NOT BETWEEN NULL AND 10} is TRUE).
 */
record Between(Expression value, Expression low, Expression high, boolean negated) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        Object x = value.evaluate(values);
        Object lo = low.evaluate(values);
        Object hi = high.evaluate(values);
        if (negated) {
            return Logic.or(ComparisonOperator.LESS.apply(x, lo), ComparisonOperator.GREATER.apply(x, hi));
        }
        return Logic.and(ComparisonOperator.GREATER_OR_EQUAL.apply(x, lo), ComparisonOperator.LESS_OR_EQUAL.apply(x, hi));
    }

    @Override
    public String toString() {
        return "(" + value + (negated ? " NOT BETWEEN " : " BETWEEN ") + low + " AND " + high + ")";
    }
}
