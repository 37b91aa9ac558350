package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

import java.util.List;

/**
 * SQL AND over any number of operands: FALSE if any operand is FALSE, TRUE if all are TRUE, UNKNOWN
 * otherwise. A chain is kept flat rather than nested so that long generated selectors do not turn
 * into deep recursion, and evaluation stops at the first FALSE (operands have no side effects).
 */
final class And implements Expression {

    private final Expression[] operands;

    And(List<Expression> operands) {
        this.operands = operands.toArray(new Expression[0]);
    }

    @Override
    public Object evaluate(Filterable values) {
        boolean unknown = false;
        for (Expression operand : operands) {
            Object v = operand.evaluate(values);
            if (v instanceof Boolean b) {
                if (!b) {
                    return Boolean.FALSE;
                }
            } else {
                unknown = true;
            }
        }
        return unknown ? null : Boolean.TRUE;
    }

    @Override
    public String toString() {
        return Logic.render(operands, " AND ");
    }
}
