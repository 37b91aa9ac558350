package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/** A constant; also what constant arithmetic such as {@code 10 * 60} is folded into at parse time. */
record Literal(Object value) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        return value;
    }

    @Override
    public String toString() {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        return value.toString();
    }
}
