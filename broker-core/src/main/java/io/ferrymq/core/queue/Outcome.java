package io.ferrymq.core.queue;

import java.util.Map;

/**
 * How a consumer settles a delivery, in AMQP 1.0's terms, which the other protocols map onto:
 * STOMP ACK and SQS DeleteMessage accept; STOMP NACK and AMQP 0-9-1 nack with requeue modify with a
 * failed delivery; nack without requeue rejects.
 */
public sealed interface Outcome {

    /** Processed: the message leaves the queue. */
    record Accept() implements Outcome { }

    /** Unprocessable: dead-lettered (or dropped when the queue has no dead-letter target), with the reason. */
    record Reject(String reason) implements Outcome { }

    /**
     * Found expired by the consumer (an OpenWire client's expired acknowledgement): the message leaves the
     * queue as one the queue found expired would, to the queue's expiry target if it has one.
     */
    record Expire() implements Outcome { }

    /**
     * Back to the queue. {@code deliveryFailed} counts the delivery toward the queue's max deliveries
     * (and sets the redelivered flag); {@code undeliverableHere} keeps it from this consumer; the
     * annotations are merged into the message's properties.
     */
    record Modify(boolean deliveryFailed, boolean undeliverableHere, Map<String, Object> annotations)
            implements Outcome {
        public Modify {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        }
    }

    Outcome ACCEPT = new Accept();
    Outcome EXPIRE = new Expire();
    /** Returned without counting as an attempt (AMQP released). */
    Outcome RELEASE = new Modify(false, false, Map.of());
    /** Returned as a failed attempt (STOMP NACK, JMS recover). */
    Outcome REQUEUE = new Modify(true, false, Map.of());

    static Outcome reject(String reason) {
        return new Reject(reason);
    }
}
