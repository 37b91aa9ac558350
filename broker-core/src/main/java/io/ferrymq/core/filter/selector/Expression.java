package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

/**
 * A node of a compiled selector. Values flow between nodes as plain objects so that property values
 * are used as the message holds them, without conversion: a String, a Boolean, a Number (the Java
 * boxes; arithmetic produces Long or Double), or {@code null} for SQL NULL. Conditions produce
 * {@link Boolean#TRUE}, {@link Boolean#FALSE} or {@code null} for UNKNOWN, which costs no allocation.
 *
 * <p>Implementations are immutable and therefore safe to share between consumer threads; their
 * {@code toString} is a fully parenthesised rendering, which makes the parsed precedence visible.
 */
sealed interface Expression
        permits Literal, Identifier, And, Or, Not, Comparison, Arithmetic, Sign, Between, In, Like, IsNull {

    Object evaluate(Filterable values);
}
