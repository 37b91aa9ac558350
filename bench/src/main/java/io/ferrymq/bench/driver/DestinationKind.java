package io.ferrymq.bench.driver;

/** Point-to-point (each message to one consumer) or publish-subscribe (each message to every subscriber). */
public enum DestinationKind {
    QUEUE,
    TOPIC
}
