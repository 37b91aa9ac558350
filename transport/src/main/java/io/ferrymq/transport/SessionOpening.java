package io.ferrymq.transport;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.tls.TlsIdentity;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A connection's login: {@link Broker#open} checks the credentials off the event loop and completes on the
 * sink's executor, where the connection may meanwhile have closed or given up on the handshake (an error sent,
 * a shutdown notice). A session that arrives for an abandoned handshake is closed at once, so it holds no
 * broker resources and the connection hears nothing more. Logins from an address with repeated failures wait
 * first ({@link LoginBackoff}), so that password guessing is slow on every protocol.
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
        LoginBackoff backoff = LoginBackoff.of(broker);
        long delay = backoff.delayMillis(client.remote());
        CompletableFuture<Session> opening = delay == 0 ? broker.open(vhost, client, username, password, sink)
                : CompletableFuture.runAsync(() -> { },
                        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, broker.blockingExecutor()))
                .thenCompose(x -> broker.open(vhost, client, username, password, sink));
        answer(opening.whenComplete((s, t) -> {
            if (s != null) {
                backoff.succeeded(client.remote());
            } else if (BrokerException.from(t).code() == ErrorCode.AUTHENTICATION_FAILED) {
                backoff.failed(client.remote());
            }
        }), abandoned, then);
    }

    /**
     * Opens the client's session as the broker user its verified TLS client certificate maps to
     * ({@link TlsIdentity}): SASL EXTERNAL, or a protocol's login without a password. Refused as a wrong password
     * would be when the connection has no such certificate or its user is not configured.
     */
    public static void openByCertificate(Broker broker, Channel channel, String vhost, ClientInfo client,
                                         DeliverySink sink, BooleanSupplier abandoned, Answer then) {
        String user = TlsIdentity.certificateUser(channel).orElse(null);
        CompletableFuture<Session> opened = new CompletableFuture<>();
        broker.blockingExecutor().execute(() -> {
            Session s = null;
            Throwable failure = null;
            try {
                if (user == null) {
                    throw new BrokerException(ErrorCode.AUTHENTICATION_FAILED,
                            "no verified client certificate that maps to a broker user");
                }
                BrokerPrincipal who = broker.vouchedFor(user, client);
                s = broker.openAuthenticated(vhost, who, client, sink);
            } catch (RuntimeException e) {
                failure = BrokerException.from(e);
            }
            Session session = s;
            Throwable failed = failure;
            sink.executor().execute(() -> {
                if (failed != null) {
                    opened.completeExceptionally(failed);
                } else {
                    opened.complete(session);
                }
            });
        });
        answer(opened, abandoned, then);
    }

    /**
     * Whether a login with these credentials is one by client certificate: the connection has a certificate that
     * maps to a user, no password was sent, and the user name is absent or that user's.
     */
    public static boolean byCertificate(Channel channel, String username, String password) {
        if (password != null && !password.isEmpty()) {
            return false;
        }
        return TlsIdentity.certificateUser(channel)
                .filter(u -> username == null || username.isEmpty() || username.equals(u)).isPresent();
    }

    private static void answer(CompletableFuture<Session> opening, BooleanSupplier abandoned, Answer then) {
        opening.whenComplete((s, t) -> {
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
