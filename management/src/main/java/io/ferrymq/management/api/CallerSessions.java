package io.ferrymq.management.api;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.management.http.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What the API changes, it changes through a session of the calling user, so that the broker's permissions
 * decide (a management user purges only the queues it may delete). One short session per request, on its own
 * serial executor; it is closed when the work completes, so anything it still held goes back.
 */
final class CallerSessions {

    /** The protocol of the API's own sessions: they are requests, not client connections, and are not listed. */
    static final String PROTOCOL = "management-http";

    private static final Logger LOG = LoggerFactory.getLogger(CallerSessions.class);

    private final Broker broker;
    private final String listener;

    CallerSessions(Broker broker, String listener) {
        this.broker = broker;
        this.listener = listener;
    }

    <T> CompletableFuture<T> run(Caller caller, SocketAddress remote, String vhost,
                                 Function<Session, CompletableFuture<T>> work) {
        Executor executor = broker.newSerialExecutor();
        ClientInfo client = new ClientInfo(broker.newConnectionId(), PROTOCOL, remote, listener, null);
        return CompletableFuture.supplyAsync(() -> broker.openAuthenticated(vhost, caller.principal(), client,
                        new RequestSink(executor)), executor)
                .thenCompose(session -> {
                    CompletableFuture<T> done;
                    try {
                        done = work.apply(session);
                    } catch (RuntimeException e) {
                        done = CompletableFuture.failedFuture(e);
                    }
                    return done.whenComplete((r, e) -> session.closeAsync());
                });
    }

    /** The API pulls what it reads; nothing is pushed to its sessions. */
    private record RequestSink(Executor executor) implements DeliverySink {
        @Override
        public void deliver(Delivery delivery) {
            LOG.warn("A management API session received a push delivery from queue '{}'; it consumes nothing",
                    delivery.queueName());
        }
    }
}
