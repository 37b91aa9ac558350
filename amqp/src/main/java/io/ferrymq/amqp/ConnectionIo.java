package io.ferrymq.amqp;

import org.apache.qpid.proton.amqp.transport.ErrorCondition;

import java.net.SocketAddress;
import java.util.concurrent.Executor;

/** What the AMQP connection logic needs from the network side (the Netty handler that runs Proton). */
interface ConnectionIo {

    /** The connection's event loop: every Proton call and every core callback runs there. */
    Executor executor();

    /** Processes Proton's events and writes what it has to the socket; safe to call re-entrantly. */
    void pump();

    /** Pumps, then flushes what is written (the end of a batch of deliveries). */
    void pumpAndFlush();

    /** Pumps after the event loop's current batch of tasks (once for all the calls made meanwhile). */
    void pumpSoon();

    /** Whether the socket takes more bytes without buffering beyond its high-water mark. */
    boolean writable();

    /** The open exchange completed: the connect timeout no longer applies. */
    void opened();

    /** Closes the AMQP connection with this error (a close frame), then the socket. */
    void close(ErrorCondition error);

    /**
     * Proton announced a session the client began (announcements come in the order of the begins): the frame
     * checks need it to end that session on an error.
     */
    void sessionOpened(org.apache.qpid.proton.engine.Session session);

    SocketAddress remoteAddress();
}
