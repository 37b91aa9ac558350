package io.ferrymq.core.filter;

/**
 * A filter as written by a user: its language ({@code sql} for JMS selectors; later {@code sns} for SNS
 * filter policies) and its text. This is what is persisted; the broker compiles it to a
 * {@link io.ferrymq.core.filter.MessageFilter}.
 */
public record FilterSpec(String language, String expression) {

    public static final String SQL = "sql";

    public static FilterSpec sql(String selector) {
        return new FilterSpec(SQL, selector);
    }
}
