package io.ferrymq.core.message;

/**
 * Something a filter can be evaluated against: it resolves identifiers (header names such as
 * {@code JMSPriority} and application property names) to typed values.
 */
public interface Filterable {

    /**
     * The value of an identifier: a {@link String}, {@link Boolean}, a {@link Number} (Byte, Short,
     * Integer, Long, Float, Double), a {@code byte[]}, or {@code null} when the identifier is absent.
     */
    Object filterValue(String identifier);
}
