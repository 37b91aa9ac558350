package io.ferrymq.bench.driver;

/** One producer connection. Used by one thread at a time. */
public interface ProducerLink extends AutoCloseable {

    /**
     * Sends a message. May block while the client library or the socket applies back-pressure.
     *
     * @param confirmation null to send without asking for a confirmation
     */
    void send(OutgoingMessage message, Confirmation confirmation) throws Exception;

    @Override
    void close();
}
