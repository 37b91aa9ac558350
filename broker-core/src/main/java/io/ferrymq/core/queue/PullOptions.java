package io.ferrymq.core.queue;

/**
 * A pull (SQS ReceiveMessage, AMQP 0-9-1 basic.get).
 *
 * @param maxMessages  at most this many (at least 1)
 * @param waitMillis   long-poll: wait this long for a first message; 0 answers at once
 * @param leaseMillis  how long pulled messages stay invisible before they return (SQS visibility
 *                     timeout); negative for no lease (settled explicitly or auto-settled)
 * @param autoSettle   settle on hand-out (basic.get with no-ack)
 */
public record PullOptions(int maxMessages, long waitMillis, long leaseMillis, boolean autoSettle) {

    public PullOptions {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1");
        }
        if (waitMillis < 0) {
            throw new IllegalArgumentException("waitMillis must not be negative");
        }
    }
}
