package io.ferrymq.core.api;

import io.ferrymq.core.security.ClientInfo;

/**
 * A consumer of a client's session attached to or left a queue, whatever its protocol: what ActiveMQ's consumer
 * advisories tell of. Told to the listeners of {@link Broker#onConsumerEvent}.
 *
 * @param kind     attached or gone
 * @param vhost    the virtual host
 * @param client   the connection of the consumer (its protocol and connection id)
 * @param key      the consumer's number, unique in its session: the same for its attach and its leaving
 * @param queue    the queue it consumes from
 * @param exchange for a topic subscription the exchange it is bound to, else null
 * @param pattern  for a topic subscription its binding pattern, else null
 */
public record ConsumerEvent(Kind kind, String vhost, ClientInfo client, long key, String queue, String exchange,
                            String pattern) {

    public enum Kind { ATTACHED, GONE }

    /** Whether it is a topic subscription (exchange and pattern set) rather than a consumer of a named queue. */
    public boolean topic() {
        return exchange != null;
    }
}
