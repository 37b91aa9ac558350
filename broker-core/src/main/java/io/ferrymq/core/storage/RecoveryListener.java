package io.ferrymq.core.storage;

import io.ferrymq.core.message.Message;

/**
 * Receives the durable state a storage holds, in an order that can be applied directly: exchanges,
 * queues, bindings, protocol state, then messages, then each queue's references in queue order.
 */
public interface RecoveryListener {

    /**
     * Called first. After an unclean stop, messages that were in flight may have reached a consumer, so
     * the broker flags every recovered message as possibly redelivered.
     */
    void begin(boolean cleanShutdown);

    void exchange(ExchangeDefinition exchange);

    void queue(QueueDefinition queue);

    void binding(BindingDefinition binding);

    void state(String namespace, String key, byte[] value);

    void message(Message message);

    void reference(long queueId, long messageId, int deliveryCount, long deliverAt);
}
