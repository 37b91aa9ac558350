package io.ferrymq.core.policy;

import io.ferrymq.core.routing.NamePattern;

/**
 * Settings for every queue whose name matches a pattern, as written in {@code broker.yaml}. Fields
 * left null are inherited from less specific matching policies, then from the built-in defaults.
 *
 * @param maxDeliveries     deliveries after which a message is dead-lettered; 0 for no limit
 * @param messageTtlMillis  time a message may stay in the queue; 0 for no limit
 * @param maxLength         ready and scheduled messages the queue holds (in-flight ones do not count,
 *                          as in RabbitMQ); 0 for no limit
 * @param maxBytes          bytes of those messages; 0 for no limit
 * @param redeliveryDelayMillis delay before a failed delivery is offered again
 * @param autoCreateQueues  whether sending to or consuming from a missing queue creates it
 * @param singleActiveConsumer only one consumer receives at a time; the others wait as hot standbys
 * @param maxMemoryBytes    bytes of the queue's messages kept in memory; beyond, {@code memoryFull} applies; 0 for
 *                          no limit of its own (the broker's memory limit still applies)
 * @param memoryFull        page new messages to disk, or block producers, when memory is full
 */
public record AddressPolicy(NamePattern match, DeadLetterTarget deadLetter, DeadLetterTarget expiry,
                            Integer maxDeliveries, Long messageTtlMillis, Long maxLength, Long maxBytes,
                            OverflowPolicy overflow, Long redeliveryDelayMillis, Boolean autoCreateQueues,
                            Boolean singleActiveConsumer, Long maxMemoryBytes, MemoryFullPolicy memoryFull) {

    public static AddressPolicy matching(String pattern) {
        return new AddressPolicy(NamePattern.of(pattern), null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    public AddressPolicy withMemory(Long maxMemory, MemoryFullPolicy whenFull) {
        return new AddressPolicy(match, deadLetter, expiry, maxDeliveries, messageTtlMillis, maxLength, maxBytes,
                overflow, redeliveryDelayMillis, autoCreateQueues, singleActiveConsumer, maxMemory, whenFull);
    }

    public AddressPolicy withDeadLetter(DeadLetterTarget v) {
        return new AddressPolicy(match, v, expiry, maxDeliveries, messageTtlMillis, maxLength, maxBytes, overflow,
                redeliveryDelayMillis, autoCreateQueues, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withExpiry(DeadLetterTarget v) {
        return new AddressPolicy(match, deadLetter, v, maxDeliveries, messageTtlMillis, maxLength, maxBytes, overflow,
                redeliveryDelayMillis, autoCreateQueues, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withMaxDeliveries(Integer v) {
        return new AddressPolicy(match, deadLetter, expiry, v, messageTtlMillis, maxLength, maxBytes, overflow,
                redeliveryDelayMillis, autoCreateQueues, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withMessageTtlMillis(Long v) {
        return new AddressPolicy(match, deadLetter, expiry, maxDeliveries, v, maxLength, maxBytes, overflow,
                redeliveryDelayMillis, autoCreateQueues, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withLimits(Long length, Long bytes, OverflowPolicy policy) {
        return new AddressPolicy(match, deadLetter, expiry, maxDeliveries, messageTtlMillis, length, bytes, policy,
                redeliveryDelayMillis, autoCreateQueues, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withRedeliveryDelayMillis(Long v) {
        return new AddressPolicy(match, deadLetter, expiry, maxDeliveries, messageTtlMillis, maxLength, maxBytes,
                overflow, v, autoCreateQueues, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withAutoCreateQueues(Boolean v) {
        return new AddressPolicy(match, deadLetter, expiry, maxDeliveries, messageTtlMillis, maxLength, maxBytes,
                overflow, redeliveryDelayMillis, v, singleActiveConsumer, maxMemoryBytes, memoryFull);
    }

    public AddressPolicy withSingleActiveConsumer(Boolean v) {
        return new AddressPolicy(match, deadLetter, expiry, maxDeliveries, messageTtlMillis, maxLength, maxBytes,
                overflow, redeliveryDelayMillis, autoCreateQueues, v, maxMemoryBytes, memoryFull);
    }

    /** This policy's fields, falling back to {@code base} where unset. */
    AddressPolicy over(AddressPolicy base) {
        return new AddressPolicy(match,
                deadLetter != null ? deadLetter : base.deadLetter,
                expiry != null ? expiry : base.expiry,
                maxDeliveries != null ? maxDeliveries : base.maxDeliveries,
                messageTtlMillis != null ? messageTtlMillis : base.messageTtlMillis,
                maxLength != null ? maxLength : base.maxLength,
                maxBytes != null ? maxBytes : base.maxBytes,
                overflow != null ? overflow : base.overflow,
                redeliveryDelayMillis != null ? redeliveryDelayMillis : base.redeliveryDelayMillis,
                autoCreateQueues != null ? autoCreateQueues : base.autoCreateQueues,
                singleActiveConsumer != null ? singleActiveConsumer : base.singleActiveConsumer,
                maxMemoryBytes != null ? maxMemoryBytes : base.maxMemoryBytes,
                memoryFull != null ? memoryFull : base.memoryFull);
    }
}
