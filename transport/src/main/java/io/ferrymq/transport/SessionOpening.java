package io.ferrymq.transport;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.security.ClientInfo;

import java.util.function.BooleanSupplier;

/**
 * A connection's login: {@link Broker#open} checks the credentials off the event loop and completes on the
 * sink's executor, where the connection may meanwhile have closed or given up on the handshake (an error sent,
 * a shutdown notice). A session that arrives for an abandoned handshake is closed at once, so it holds no
 * broker resources and the connection hears nothing more.
 */
public final class SessionOpening {

    /** The broker's answer, on the sink's executor: a session, or why there is none. */
    @FunctionalInterface
    public interface Answer {
        /** Exactly one of the two is non-null. */
        void answer(Session session, BrokerException refusal);
    }

    private SessionOpening() {
    }

    /**
     * Opens the client's session.
     *
     * @param abandoned asked on the sink's executor when the broker answers: true if the connection no longer
     *                  wants the session (it is closed or closing), which is then closed and not handed over
     */
    public static void open(Broker broker, String vhost, ClientInfo client, String username, String password,
                            DeliverySink sink, BooleanSupplier abandoned, Answer then) {
        broker.open(vhost, client, username, password, sink).whenComplete((s, t) -> {
            if (abandoned.getAsBoolean()) {
                if (s != null) {
                    s.close();
                }
                return;
            }
            if (t != null) {
                then.answer(null, BrokerException.from(t));
            } else {
                then.answer(s, null);
            }
        });
    }
}
