package io.ferrymq.bench.driver;

/** A producer connection to open: its index and the destination it sends to. */
public record ProducerSpec(int id, DestinationKind kind, String destination) {
}
