package io.ferrymq.bench.load;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * One load: who sends what where, for how long. Producer {@code k} sends to destination {@code k % destinations}
 * and consumer {@code j} reads destination {@code j % destinations}, so every destination needs at least one of each.
 *
 * @param destinationName base name of the destinations; the runner appends a run id and an index so that
 *                        leftovers of an earlier run never mix in
 * @param messageSize     body bytes of each message
 * @param ackEvery        with {@link AckMode#CLIENT}, acknowledge every this many messages (cumulatively)
 * @param prefetch        messages a broker may push ahead of acks per consumer (0: the broker's default)
 * @param confirmWindow   unconfirmed sends each producer may have outstanding; 0 sends without confirmations
 * @param rate            messages per second across all producers; 0 for as fast as possible
 * @param warmup          sent and received but not measured
 * @param duration        the measured window
 * @param drainTimeout    after the window, how long to wait for messages still on their way
 */
public record LoadSpec(Protocol protocol, int producers, int consumers, int destinations, DestinationKind kind,
                       String destinationName, int messageSize, boolean persistent, AckMode ackMode, int ackEvery,
                       int prefetch, int confirmWindow, double rate, Duration warmup, Duration duration,
                       Duration drainTimeout) {

    public LoadSpec {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ackMode, "ackMode");
        Objects.requireNonNull(destinationName, "destinationName");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        require(producers >= 1, "at least one producer is needed");
        require(destinations >= 1, "at least one destination is needed");
        require(consumers >= 0, "consumers must not be negative");
        require(producers >= destinations, "every destination needs a producer: producers (" + producers
                + ") must be at least destinations (" + destinations + ")");
        require(consumers == 0 || consumers >= destinations, "every destination needs a consumer: consumers ("
                + consumers + ") must be 0 or at least destinations (" + destinations + ")");
        require(messageSize >= 0, "message size must not be negative");
        require(ackEvery >= 1, "ack-every must be at least 1");
        require(prefetch >= 0, "prefetch must not be negative");
        require(confirmWindow >= 0, "confirm window must not be negative");
        require(rate >= 0, "rate must not be negative");
        require(!duration.isNegative() && !duration.isZero(), "duration must be positive");
        require(!warmup.isNegative(), "warm-up must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Defaults for a STOMP run: 1 -> 1 on one queue, 1 KiB, auto ack, receipts with a window of 100, 30 s. */
    public static LoadSpec defaults() {
        return new LoadSpec(Protocol.STOMP, 1, 1, 1, DestinationKind.QUEUE, "bench", 1024, false, AckMode.AUTO, 100,
                1000, 100, 0, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    public int destinationOfProducer(int producer) {
        return producer % destinations;
    }

    public int destinationOfConsumer(int consumer) {
        return consumer % destinations;
    }

    /** A short description such as {@code stomp queue 10x10 persistent}. */
    public String label() {
        return protocol.name().toLowerCase(java.util.Locale.ROOT) + " " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " " + producers + "x" + consumers + (destinations > 1 ? " on " + destinations : "")
                + (persistent ? " persistent" : "");
    }
}
