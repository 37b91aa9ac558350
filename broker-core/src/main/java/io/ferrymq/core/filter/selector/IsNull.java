package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/** {@code x IS [NOT] NULL}: the only test that is never UNKNOWN. */
record IsNull(Expression operand, boolean negated) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        return Logic.of((operand.evaluate(values) == null) != negated);
    }

    @Override
    public String toString() {
        return "(" + operand + (negated ? " IS NOT NULL)" : " IS NULL)");
    }
}
