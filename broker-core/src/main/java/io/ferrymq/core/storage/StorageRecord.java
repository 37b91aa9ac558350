package io.ferrymq.core.storage;

import io.ferrymq.core.message.Message;

/**
 * One durable change. The core describes every durable change as a record; a storage engine writes
 * them in order, and an HA pair ships exactly this stream to the standby. Replaying the records of a
 * storage in order rebuilds the broker's durable state.
 */
public sealed interface StorageRecord {

    /** A durable message's content; referenced by one or more queues. */
    record AddMessage(Message message) implements StorageRecord {
        public long messageId() {
            return message.id();
        }
    }

    /** The message is in the queue; {@code deliverAt} is its scheduled delivery time (0 for at once). */
    record AddReference(long queueId, long messageId, long deliverAt) implements StorageRecord { }

    /** The message left the queue (acknowledged, expired, dead-lettered, purged, dropped). */
    record DeleteReference(long queueId, long messageId) implements StorageRecord { }

    /** No queue references the message any more. */
    record DeleteMessage(long messageId) implements StorageRecord { }

    /** The message was handed out this many times without being settled. */
    record UpdateDeliveryCount(long queueId, long messageId, int deliveryCount) implements StorageRecord { }

    /** The message was rescheduled (redelivery delay). */
    record UpdateScheduledTime(long queueId, long messageId, long deliverAt) implements StorageRecord { }

    record CreateQueue(QueueDefinition queue) implements StorageRecord { }

    /** Deleting a queue also deletes all its references. */
    record DeleteQueue(long queueId) implements StorageRecord { }

    record CreateExchange(ExchangeDefinition exchange) implements StorageRecord { }

    record DeleteExchange(String vhost, String name) implements StorageRecord { }

    record CreateBinding(BindingDefinition binding) implements StorageRecord { }

    record DeleteBinding(BindingDefinition binding) implements StorageRecord { }

    /**
     * Protocol state that is not a message or a queue: MQTT sessions and retained messages, SQS queue
     * attributes, stream metadata. A later put of the same namespace and key replaces the value.
     */
    record PutState(String namespace, String key, byte[] value) implements StorageRecord { }

    record DeleteState(String namespace, String key) implements StorageRecord { }
}
