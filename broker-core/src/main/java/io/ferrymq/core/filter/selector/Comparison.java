package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/** {@code left op right} for one of the six comparison operators; see {@link ComparisonOperator}. */
record Comparison(ComparisonOperator operator, Expression left, Expression right) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        return operator.apply(left.evaluate(values), right.evaluate(values));
    }

    @Override
    public String toString() {
        return "(" + left + " " + operator.symbol() + " " + right + ")";
    }
}
