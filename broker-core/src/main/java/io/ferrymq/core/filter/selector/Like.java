package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/**
 * {@code x [NOT] LIKE 'pattern' [ESCAPE 'c']} with the pattern compiled once, when the selector is
 * parsed. A NULL x gives UNKNOWN (JMS 2.0); so does a non-string x, which the specification does
 * not admit.
 */
record Like(Expression value, LikePattern pattern, boolean negated) implements Expression {

    @Override
    public Object evaluate(Filterable values) {
        return value.evaluate(values) instanceof String s ? Logic.of(pattern.matches(s) != negated) : null;
    }

    @Override
    public String toString() {
        return "(" + value + (negated ? " NOT LIKE " : " LIKE ") + pattern + ")";
    }
}
