package io.ferrymq.core.filter;

import io.ferrymq.core.message.Message;

/** A predicate over messages that a binding or a consumer applies; compiled once, evaluated often. */
public interface MessageFilter {

    boolean test(Message message);

    /** The language this filter is written in, for example {@code sql} (JMS selectors). */
    String language();

    /** The source text, kept so the filter can be persisted and shown to users. */
    String expression();
}
