package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/**
 * A header or property reference; a missing one is NULL. A Character value is seen as a one-letter
 * string, the closest selector type, so that it can be compared with a string literal.
 */
record Identifier(String name) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        Object value = values.filterValue(name);
        return value instanceof Character c ? String.valueOf(c.charValue()) : value;
    }

    @Override
    public String toString() {
        return name;
    }
}
