package io.ferrymq.core.queue;

/** Something a queue hands ready messages to: a push consumer or a waiting pull. */
interface Receiver {

    boolean hasCredit();

    boolean accepts(MessageReference ref);
}
