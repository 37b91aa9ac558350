package io.ferrymq.core.routing;

/** What a binding delivers to: a queue, another exchange, or (later) a stream. */
public interface BindingTarget {

    String name();

    Kind kind();

    enum Kind { QUEUE, EXCHANGE, STREAM }
}
