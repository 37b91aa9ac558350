package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Observes the three-valued result of a condition through the public API only: X is TRUE when X
 * matches, FALSE when NOT (X) matches, UNKNOWN when ((X) AND TRUE) IS NULL matches. Exactly one must hold.
 */
enum Truth {
    TRUE, FALSE, UNKNOWN;

    static Truth of(String condition, Filterable values) {
        boolean isTrue = Selector.parse(condition).matches(values);
        boolean isFalse = Selector.parse("NOT (" + condition + ")").matches(values);
        // AND TRUE turns a non-boolean value into UNKNOWN, which IS NULL can then see.
        boolean isUnknown = Selector.parse("((" + condition + ") AND TRUE) IS NULL").matches(values);
        int holding = (isTrue ? 1 : 0) + (isFalse ? 1 : 0) + (isUnknown ? 1 : 0);
        assertThat(holding).as("exactly one truth value for %s against %s", condition, values).isEqualTo(1);
        return isTrue ? TRUE : isFalse ? FALSE : UNKNOWN;
    }
}
