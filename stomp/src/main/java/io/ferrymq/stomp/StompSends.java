package io.ferrymq.stomp;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.stomp.codec.StompFrame;

/**
 * SEND frames into the broker: the destination's route, RabbitMQ's temporary reply queues, and the receipt
 * once the core has the message safe. Sends still being stored are counted, so the connection stops reading
 * from a producer that outruns the broker.
 */
final class StompSends {

    private final StompConnection conn;
    private int pending;
    /** The destination header of the last SEND whose route depends on its name only, and that route. */
    private String lastDestination;
    private Route lastRoute;

    StompSends(StompConnection conn) {
        this.conn = conn;
    }

    /** Sends whose receipt is outstanding. */
    int pending() {
        return pending;
    }

    void onSend(StompFrame f) {
        Route route = routeOf(f.header("destination"));
        Message m = StompMessages.fromSend(f, System.currentTimeMillis(), conn.session.principal().name());
        String replyTo = m.replyTo();
        if (replyTo != null && replyTo.startsWith("/temp-queue/")) {
            // RabbitMQ's temporary reply queues: the sender is subscribed to a private queue, and the
            // reply-to it publishes names that queue so that any responder can reach it.
            String real = conn.subscriptions.replyQueue(replyTo);
            m = m.toBuilder().replyTo("/reply-queue/" + real).build();
        }
        Tx tx = conn.transactions.of(f);
        pending++;
        conn.updateAutoRead();
        conn.track(conn.session.send(route, m, tx)).whenComplete((r, t) -> {
            pending--;
            conn.updateAutoRead();
            if (t != null) {
                conn.fail(f, BrokerException.from(t));
            } else {
                conn.receipt(f);
            }
        });
    }

    /**
     * The route of a SEND's destination: the last one again when the destination is the same and its route depends
     * on nothing but its name (a producer mostly sends to one destination), else parsed and resolved.
     */
    private Route routeOf(String destination) {
        if (destination != null && destination.equals(lastDestination)) {
            return lastRoute;
        }
        StompDestination d = StompDestination.parse(destination);
        Route route = routeFor(d);
        boolean byNameOnly = d.kind() == StompDestination.Kind.QUEUE || d.kind() == StompDestination.Kind.TOPIC
                || d.kind() == StompDestination.Kind.EXCHANGE;
        lastDestination = byNameOnly ? destination : null;
        lastRoute = byNameOnly ? route : null;
        return route;
    }

    private Route routeFor(StompDestination d) {
        return switch (d.kind()) {
            case QUEUE -> Route.queue(d.name());
            case AMQ_QUEUE, REPLY_QUEUE -> {
                if (!conn.session.admin().queueExists(d.name())) {
                    throw BrokerException.notFound("no queue '" + d.name() + "' in vhost '" + conn.session.vhostName()
                            + "'");
                }
                yield Route.exchange("", d.name());
            }
            case TOPIC, EXCHANGE -> Route.exchange(d.name(), d.key());
            case TEMP_QUEUE -> Route.exchange("", conn.tempQueues.resolve(d.name()));
        };
    }
}
