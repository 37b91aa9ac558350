package io.ferrymq.bench.driver;

/**
 * A consumer connection to open.
 *
 * @param prefetch messages the broker may send ahead of acknowledgements (0: the broker's default)
 * @param ackEvery with {@link AckMode#CLIENT}, acknowledge every this many messages (cumulatively)
 */
public record ConsumerSpec(int id, DestinationKind kind, String destination, AckMode ackMode, int prefetch,
                           int ackEvery) {

    public ConsumerSpec {
        if (ackEvery < 1) {
            throw new IllegalArgumentException("ackEvery must be at least 1");
        }
    }
}
