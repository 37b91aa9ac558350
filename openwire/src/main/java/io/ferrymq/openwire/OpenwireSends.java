package io.ferrymq.openwire;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.state.StateStore;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.ProducerAck;
import org.apache.activemq.command.ProducerInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Messages from producers into the broker: each part of the destination routed as the cross-protocol table
 * says, the Response (a synchronous send) or ProducerAck (an asynchronous one within a producer window) only
 * once the core has the message safe. Sends still being stored are counted, so the connection stops reading
 * from a producer that outruns the broker.
 */
final class OpenwireSends {

    private final OpenwireConnection conn;
    private int pending;

    OpenwireSends(OpenwireConnection conn) {
        this.conn = conn;
    }

    int pending() {
        return pending;
    }

    void onMessage(ActiveMQMessage m) {
        if (conn.settings.sendFailIfNoSpace() && m.getTransactionId() != null
                && !conn.session.memoryAvailable().isDone()) {
            // ActiveMQ's sendFailIfNoSpace for a transacted send, which the core holds until the commit; the core
            // refuses the others itself (Session.sendFailIfNoSpace).
            throw BrokerException.resourceLimit("the broker's memory limit is reached: sends are refused until"
                    + " consumers catch up (openwire.send-fail-if-no-space); try again later");
        }
        MessageId id = m.getMessageId();
        if (!conn.faultTolerant || m.getTransactionId() != null || id == null || id.getProducerId() == null) {
            store(m, null);
            return;
        }
        // A failover client repeats the sends it heard nothing back for: each is stored once.
        ProducerAudit.Admission admission = conn.audit.admit(id);
        if (admission instanceof ProducerAudit.Admission.InFlight wait) {
            pending++;
            conn.updateAutoRead();
            wait.first().whenComplete((v, t) -> conn.executor().execute(() -> {
                pending--;
                conn.updateAutoRead();
                if (conn.isConnected()) {
                    dispatchAgain(m);
                }
            }));
        } else if (admission instanceof ProducerAudit.Admission.Repeat) {
            confirm(m);
        } else {
            store(m, id);
        }
    }

    private void dispatchAgain(ActiveMQMessage m) {
        try {
            onMessage(m);
        } catch (BrokerException e) {
            conn.fail(m, OpenwireErrors.of(e));
        }
    }

    /** Stores the message; {@code audited} is its id when the producer audit follows it. */
    private void store(ActiveMQMessage m, MessageId audited) {
        List<Route> routes;
        Message message;
        Tx tx;
        try {
            List<ActiveMQDestination> parts = OpenwireDestinations.components(m.getDestination());
            routes = new ArrayList<>(parts.size());
            for (ActiveMQDestination d : parts) {
                routes.add(routeFor(d));
            }
            message = OpenwireMessages.toCore(m, conn.takeFrame(m), conn.session.principal().name(), conn.broker().currentTimeMillis(),
                    conn.temps);
            tx = m.getTransactionId() == null ? null : conn.transactions.of(m.getTransactionId());
        } catch (RuntimeException e) {
            if (audited != null) {
                conn.audit.failed(audited);
            }
            throw e;
        }
        CompletableFuture<?> stored;
        if (routes.size() == 1) {
            stored = send(routes.get(0), message, tx, audited);
        } else {
            CompletableFuture<?>[] sent = new CompletableFuture<?>[routes.size()];
            for (int i = 0; i < sent.length; i++) {
                sent[i] = send(routes.get(i), message, tx, audited);
            }
            stored = CompletableFuture.allOf(sent);
        }
        pending++;
        conn.updateAutoRead();
        if (stored.isDone()) {
            // Stored already (a transient message with no one to wait for): answered in this read, without a
            // task per message; the pipeline's flush consolidation writes the answers of the read at once.
            stored(m, audited, stored.isCompletedExceptionally() ? stored.handle((v, t) -> t).join() : null);
        } else {
            stored.whenComplete((v, t) -> conn.executor().execute(() -> stored(m, audited, t)));
        }
    }

    private void stored(ActiveMQMessage m, MessageId audited, Throwable t) {
        pending--;
        conn.updateAutoRead();
        if (audited != null) {
            if (t == null) {
                conn.audit.stored(audited);
            } else {
                conn.audit.failed(audited);
            }
        }
        if (t != null) {
            conn.fail(m, OpenwireErrors.of(BrokerException.from(t)));
            return;
        }
        confirm(m);
    }

    private CompletableFuture<?> send(Route r, Message message, Tx tx, MessageId audited) {
        if (tx != null) {
            return conn.session.send(r, message, tx);
        }
        List<StateStore.Staged> auditRecord = audited != null && message.durable() ? conn.audit.stageWith(audited)
                : List.of();
        // ActiveMQ's sendFailIfNoSpace: refused at the memory limit, and never held back for room once taken.
        return conn.settings.sendFailIfNoSpace() ? conn.session.sendFailIfNoSpace(r, message, auditRecord)
                : conn.session.sendStoredWith(r, message, auditRecord);
    }

    /** The Response of a synchronous send, or the ProducerAck of an asynchronous one within a producer window. */
    private void confirm(ActiveMQMessage m) {
        conn.respond(m);
        if (m.isResponseRequired()) {
            return;
        }
        ProducerInfo producer = conn.producers.get(m.getProducerId());
        if (producer != null && producer.getWindowSize() > 0) {
            // The client's producer window: it sends asynchronously until this many bytes are unconfirmed.
            conn.ctx.writeAndFlush(new ProducerAck(m.getProducerId(), m.getSize()));
        }
    }

    private Route routeFor(ActiveMQDestination d) {
        String name = d.getPhysicalName();
        conn.advisories.destinationUsed(d);
        if (d.isTemporary() && d.isQueue()) {
            String core = conn.temps.coreName(name);
            if (core == null || !conn.session.admin().queueExists(core)) {
                throw BrokerException.notFound("the temporary queue '" + name + "' no longer exists: the connection"
                        + " that created it has closed it or ended");
            }
            return Route.exchange("", core);
        }
        if (d.isTopic()) {
            if (name.contains("*") || name.contains(">")) {
                throw BrokerException.invalid("cannot send to the wildcard topic '" + name + "': wildcards are for"
                        + " consumers");
            }
            return Route.exchange(OpenwireDestinations.TOPIC_EXCHANGE, OpenwireDestinations.topicKey(name));
        }
        if (name.isEmpty()) {
            throw BrokerException.invalid("a queue needs a name");
        }
        return Route.queue(name);
    }
}
