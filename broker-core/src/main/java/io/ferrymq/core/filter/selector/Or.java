package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

import java.util.List;

/**
 * SQL OR over any number of operands: TRUE if any operand is TRUE, FALSE if all are FALSE, UNKNOWN
 * otherwise. Flat for the same reason as {@link And}; evaluation stops at the first TRUE.
 */
final class Or implements Expression {

    private final Expression[] operands;

    Or(List<Expression> operands) {
        this.operands = operands.toArray(new Expression[0]);
    }

    @Override
    public Object evaluate(Filterable values) {
        boolean unknown = false;
        for (Expression operand : operands) {
            Object v = operand.evaluate(values);
            if (v instanceof Boolean b) {
                if (b) {
                    return Boolean.TRUE;
                }
            } else {
                unknown = true;
            }
        }
        return unknown ? null : Boolean.FALSE;
    }

    @Override
    public String toString() {
        return Logic.render(operands, " OR ");
    }
}
