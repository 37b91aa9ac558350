package io.ferrymq.tests.matrix;

import java.time.Duration;

/**
 * One protocol's client in the cross-protocol matrix. A new adapter joins the matrix by adding one
 * implementation to {@code io.ferrymq.tests.matrix.endpoint}, with a public constructor taking the
 * {@link MatrixBroker} it talks to; {@link CrossProtocolMatrixTest} finds it there and pairs it with every
 * other endpoint, both ways.
 */
public interface ProtocolEndpoint extends AutoCloseable {

    /** Shown in every cell's name. */
    String name();

    Capabilities capabilities();

    /** Where a receiver of this protocol reads: the queue (the default) or a topic subscription of its own. */
    default Destination.Route listensOn() {
        return Destination.Route.QUEUE;
    }

    /** Sends one message to the destination, returning once the broker has accepted it. */
    void send(Destination d, TestMessage m) throws Exception;

    /**
     * Starts listening on the destination; returns once the broker confirmed it (a topic subscription exists
     * from then on, so a message sent afterwards reaches it). Listening again on the same destination after
     * {@link Inbox#close()}, even on a restarted broker, resumes where the previous inbox stopped.
     */
    Inbox listen(Destination d) throws Exception;

    @Override
    void close() throws Exception;

    /** Messages arriving at one destination. */
    interface Inbox extends AutoCloseable {

        /** The next message, accepted (acknowledged, deleted) so that it is not delivered again. */
        ReceivedMessage receive(Duration timeout) throws Exception;

        /** The next message, left unsettled. */
        ReceivedMessage receiveUnsettled(Duration timeout) throws Exception;

        /**
         * Gives back every unsettled message in the way the protocol has for it (a new connection, a visibility
         * timeout of zero, ...), so the broker delivers it again; the inbox keeps listening.
         */
        void abandon() throws Exception;

        @Override
        void close() throws Exception;
    }
}
