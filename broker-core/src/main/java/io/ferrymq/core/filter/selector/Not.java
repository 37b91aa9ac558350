package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/** SQL NOT: swaps TRUE and FALSE and leaves UNKNOWN (and any non-boolean value) UNKNOWN. */
record Not(Expression operand) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        return Logic.not(operand.evaluate(values));
    }

    @Override
    public String toString() {
        return "(NOT " + operand + ")";
    }
}
