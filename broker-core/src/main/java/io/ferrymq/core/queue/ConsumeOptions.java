package io.ferrymq.core.queue;

import io.ferrymq.core.routing.FilterSpec;

/**
 * How a consumer takes messages from a queue.
 *
 * @param initialCredit deliveries allowed before the adapter grants more
 * @param filter        only matching messages (JMS selector); null for all
 * @param autoSettle    settled as they are handed out: at most once (STOMP auto, MQTT QoS 0, AMQP pre-settled)
 * @param exclusive     no other consumer may be on the queue while this one is (AMQP 0-9-1 exclusive consume)
 * @param browse        sees messages without taking them (QueueBrowser, AMQP distribution-mode copy)
 * @param noLocal       skips messages published by this consumer's own connection
 */
public record ConsumeOptions(int initialCredit, FilterSpec filter, boolean autoSettle, boolean exclusive,
                             boolean browse, boolean noLocal) {

    public ConsumeOptions {
        if (initialCredit < 0) {
            throw new IllegalArgumentException("credit must not be negative");
        }
    }

    public static ConsumeOptions credit(int n) {
        return new ConsumeOptions(n, null, false, false, false, false);
    }

    public ConsumeOptions withFilter(FilterSpec f) {
        return new ConsumeOptions(initialCredit, f, autoSettle, exclusive, browse, noLocal);
    }

    public ConsumeOptions withAutoSettle(boolean v) {
        return new ConsumeOptions(initialCredit, filter, v, exclusive, browse, noLocal);
    }

    public ConsumeOptions withExclusive(boolean v) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, v, browse, noLocal);
    }

    public ConsumeOptions withBrowse(boolean v) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, exclusive, v, noLocal);
    }

    public ConsumeOptions withNoLocal(boolean v) {
        return new ConsumeOptions(initialCredit, filter, autoSettle, exclusive, browse, v);
    }
}
