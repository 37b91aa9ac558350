package io.ferrymq.amqp;

import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;

/** The broker's side of one link, driven by Proton's events on the connection's event loop. */
interface LinkHandler {

    Link link();

    /** The client attached: set up the core side and answer with an attach (or refuse). */
    void onRemoteOpen();

    /** Credit or drain changed. */
    void onFlow();

    /** A transfer arrived, or the client changed a delivery's state or settled it. */
    void onDelivery(Delivery delivery);

    /**
     * The client detached ({@code closed} false: the terminus lives on, as durable subscriptions do) or
     * closed the link.
     */
    void onRemoteClose(boolean closed);

    /** The connection or session is gone: release whatever the link holds in the core. */
    void release();

    /**
     * Refuses an attach the spec's way: an attach with a null terminus on the side that could not be
     * created, then a detach carrying the error.
     */
    static void refuse(Link link, ErrorCondition error) {
        if (link.getLocalState() == EndpointState.UNINITIALIZED) {
            if (link instanceof Sender) {
                link.setSource(null);
                link.setTarget(link.getRemoteTarget());
            } else {
                link.setTarget(null);
                link.setSource(link.getRemoteSource());
            }
            link.open();
        }
        close(link, error);
    }

    /** Closes (detach with closed=true) carrying an error, if the link is not closed already. */
    static void close(Link link, ErrorCondition error) {
        if (link.getLocalState() != EndpointState.CLOSED) {
            if (error != null) {
                link.setCondition(error);
            }
            link.close();
        }
    }
}
