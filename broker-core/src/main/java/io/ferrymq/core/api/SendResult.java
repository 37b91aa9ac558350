package io.ferrymq.core.api;

/** What became of a publish: its broker id and how many queues took it (0: unroutable). */
public record SendResult(long messageId, int queues) {
}
