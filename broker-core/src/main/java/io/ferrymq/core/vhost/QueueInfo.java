package io.ferrymq.core.vhost;

/** What a queue declaration answers (AMQP 0-9-1 declare-ok). */
public record QueueInfo(String name, long messageCount, int consumerCount) {
}
