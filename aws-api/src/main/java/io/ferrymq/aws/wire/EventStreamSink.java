package io.ferrymq.aws.wire;

/**
 * Where an event-streaming action (Kinesis SubscribeToShard) writes its answer: a 200 response with
 * {@code application/vnd.amazon.eventstream} whose body is a sequence of event-stream messages. Calls come on the
 * connection's event loop.
 */
public interface EventStreamSink {

    /** Whether payloads are CBOR (the request was) rather than JSON. */
    boolean cbor();

    /** The content type of event payloads. */
    String payloadContentType();

    /** Sends one encoded message; the returned stage completes when it has been written (for backpressure). */
    java.util.concurrent.CompletionStage<Void> send(byte[] message);

    /** Ends the response; later sends are dropped. */
    void end();

    /** Whether the client is still there and the response not ended. */
    boolean open();

    /** Runs {@code task} once when the client goes away or the response ends. */
    void onClose(Runnable task);
}
