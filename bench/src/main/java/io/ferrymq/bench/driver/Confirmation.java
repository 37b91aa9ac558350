package io.ferrymq.bench.driver;

/**
 * Told when the broker confirms a send (STOMP receipt, MQTT PUBACK, publisher confirm). Called on a
 * client library thread: implementations must be quick and thread-safe.
 */
public interface Confirmation {

    void confirmed();

    /** The broker did not confirm in time, or the connection failed first. */
    void failed(String reason);
}
