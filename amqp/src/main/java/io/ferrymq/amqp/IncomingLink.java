package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpDecodeException;
import io.ferrymq.amqp.message.AmqpToCore;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transaction.TransactionalState;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A link on which the broker receives: a producer. Its target is an address (a queue or a topic), a
 * dynamic node (a temporary queue or topic), or nothing (anonymous relay: each message's {@code to}
 * decides). Each message is accepted only once the core has it safe (stored, when durable); credit is
 * given back as sends complete, so a producer that outruns the broker (or its memory) runs out of credit.
 */
final class IncomingLink implements LinkHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IncomingLink.class);

    private enum State { ATTACHING, ACTIVE, CLOSED }

    private final AmqpConnection connection;
    private final Receiver receiver;
    private final MessageAssembler assembler;
    private State state = State.ATTACHING;
    /** The fixed destination; null for an anonymous relay. */
    private AmqpAddress address;
    private String dynamicQueue;
    private int unconfirmed;
    private boolean waitingForMemory;
    /** The current message is over the size limit: its remaining transfers are dropped as they come. */
    private boolean oversize;

    IncomingLink(AmqpConnection connection, Receiver receiver) {
        this.connection = connection;
        this.receiver = receiver;
        this.assembler = new MessageAssembler(connection.settings().maxMessageSize());
    }

    @Override
    public Link link() {
        return receiver;
    }

    private Session session() {
        return connection.session();
    }

    // ------------------------------------------------------------------ attach

    @Override
    public void onRemoteOpen() {
        org.apache.qpid.proton.amqp.transport.Target remote = receiver.getRemoteTarget();
        Target local;
        try {
            if (!(remote instanceof Target target)) {
                throw BrokerException.invalid("a producer link needs a messaging target (with no address for an"
                        + " anonymous relay)");
            }
            local = (Target) target.copy();
            boolean topic = AmqpAddress.hasTopicCapability(target.getCapabilities());
            if (target.getDynamic()) {
                local.setAddress(createDynamicNode(topic));
            } else if (target.getAddress() != null && !target.getAddress().isEmpty()) {
                address = AmqpAddress.parse(target.getAddress(), topic);
                address.checkSend(session());
                if (address.kind() == AmqpAddress.Kind.QUEUE) {
                    session().ensureQueue(address.name());
                } else {
                    address.route(session());
                }
            }
        } catch (BrokerException e) {
            LOG.info("{}: producer link '{}' refused: {}", connection.describe(), receiver.getName(), e.getMessage());
            state = State.CLOSED;
            connection.forget(this);
            LinkHandler.refuse(receiver, AmqpErrors.of(e));
            return;
        }
        receiver.setTarget(local);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        if (connection.settings().maxMessageSize() > 0) {
            receiver.setMaxMessageSize(UnsignedLong.valueOf(connection.settings().maxMessageSize()));
        }
        receiver.open();
        state = State.ACTIVE;
        receiver.flow(connection.settings().producerCredit());
        LOG.debug("{}: producer link '{}' attached to {}", connection.describe(), receiver.getName(),
                address == null ? "(anonymous relay)" : address);
    }

    /** A temporary queue (or topic name) for a JMS TemporaryQueue/TemporaryTopic; gone when the link closes. */
    private String createDynamicNode(boolean topic) {
        if (topic) {
            address = AmqpAddress.parse("temp-topic." + UUID.randomUUID(), true);
            return address.name();
        }
        String name = session().admin().declareTemporaryQueue("", false);
        connection.addDynamicQueue(name);
        dynamicQueue = name;
        address = new AmqpAddress(AmqpAddress.Kind.EXISTING_QUEUE, "", name);
        return name;
    }

    // ------------------------------------------------------------------ transfers

    @Override
    public void onFlow() {
        // The client's side of the credit: nothing to do.
    }

    @Override
    public void onDelivery(Delivery pd) {
        if (state != State.ACTIVE || receiver.current() != pd) {
            return;
        }
        if (oversize) {
            assembler.discard(pd, receiver);
            if (pd.isAborted()) {
                oversize = false;
                receiver.advance();
                pd.settle();
            } else if (!pd.isPartial()) {
                rejectOversize(pd);
            }
            return;
        }
        if (pd.isAborted()) {
            assembler.reset();
            receiver.advance();
            pd.settle();
            return;
        }
        if (!assembler.read(receiver, pd)) {
            // The rest of the message is still arriving: Proton fails if its delivery is settled before its last
            // transfer, so the answer waits for that and what comes meanwhile is dropped.
            oversize = true;
            assembler.reset();
            assembler.discard(pd, receiver);
            if (!pd.isPartial()) {
                rejectOversize(pd);
            }
            return;
        }
        if (pd.isPartial()) {
            return;
        }
        byte[] encoded = assembler.take();
        receiver.advance();
        onMessage(pd, encoded);
    }

    private void rejectOversize(Delivery pd) {
        String why = "message larger than the maximum message size of " + connection.settings().maxMessageSize()
                + " bytes";
        oversize = false;
        receiver.advance();
        if (!pd.remotelySettled()) {
            Rejected rejected = new Rejected();
            rejected.setError(AmqpErrors.of(AmqpErrors.MESSAGE_SIZE_EXCEEDED, why));
            pd.disposition(rejected);
        }
        pd.settle();
        closeWithError(AmqpErrors.of(AmqpErrors.MESSAGE_SIZE_EXCEEDED, why));
    }

    private void onMessage(Delivery pd, byte[] encoded) {
        boolean presettled = pd.remotelySettled();
        DeliveryState state = pd.getRemoteState();
        Binary txnId = state instanceof TransactionalState ts ? ts.getTxnId() : null;
        Route route;
        AmqpToCore.Inbound in;
        Tx tx = null;
        try {
            if (txnId != null) {
                tx = connection.transactions().find(txnId);
                if (tx == null) {
                    throw new BrokerException(ErrorCode.NOT_FOUND, "transaction " + txnId
                            + " is not open on this connection");
                }
            }
            String user = session().principal().name();
            in = AmqpToCore.convert(encoded, System.currentTimeMillis(), user);
            if (in.userIdClaimed() != null && !in.userIdClaimed().equals(user)) {
                throw BrokerException.unauthorized("the message's user-id '" + in.userIdClaimed()
                        + "' is not the authenticated user '" + user + "'");
            }
            route = route(in);
        } catch (AmqpDecodeException e) {
            finish(pd, presettled, txnId, AmqpErrors.of(AmqpErrors.DECODE_ERROR, e.getMessage()));
            return;
        } catch (BrokerException e) {
            ErrorCondition error = txnId != null && tx == null ? AmqpErrors.of(AmqpErrors.TX_UNKNOWN_ID, e.getMessage())
                    : AmqpErrors.of(e);
            finish(pd, presettled, txnId, error);
            return;
        }
        unconfirmed++;
        session().send(route, in.message(), tx).whenComplete((r, t) -> {
            unconfirmed--;
            finish(pd, presettled, txnId, t == null ? null : AmqpErrors.of(t));
            topUpCredit();
            connection.pumpSoon();
        });
        if (presettled) {
            pd.settle();
        }
    }

    private Route route(AmqpToCore.Inbound in) {
        if (address != null) {
            return address.route(session());
        }
        if (in.to() == null || in.to().isEmpty()) {
            throw BrokerException.invalid("this link has no target address (an anonymous relay), so each message"
                    + " must say where it goes in its 'to' property");
        }
        return AmqpAddress.parse(in.to(), in.toIsTopic()).route(session());
    }

    /** Answers a transfer: accepted, or rejected with the error (in its transaction's state, if any). */
    private void finish(Delivery pd, boolean presettled, Binary txnId, ErrorCondition error) {
        if (presettled) {
            if (error != null) {
                LOG.info("{}: pre-settled message on link '{}' dropped: {}", connection.describe(), receiver.getName(),
                        error.getDescription());
                if (AmqpErrors.UNAUTHORIZED.equals(error.getCondition())
                        || AmqpErrors.DECODE_ERROR.equals(error.getCondition())) {
                    closeWithError(error);
                }
            }
            return;
        }
        if (pd.isSettled() || receiver.getLocalState() == EndpointState.CLOSED) {
            return;
        }
        org.apache.qpid.proton.amqp.messaging.Outcome outcome;
        if (error == null) {
            outcome = Accepted.getInstance();
        } else {
            Rejected rejected = new Rejected();
            rejected.setError(error);
            outcome = rejected;
            LOG.debug("{}: message on link '{}' rejected: {}", connection.describe(), receiver.getName(),
                    error.getDescription());
        }
        if (txnId != null) {
            TransactionalState ts = new TransactionalState();
            ts.setTxnId(txnId);
            ts.setOutcome(outcome);
            pd.disposition(ts);
        } else {
            pd.disposition((DeliveryState) outcome);
        }
        pd.settle();
    }

    /**
     * Gives the producer back the credit its completed sends used, keeping credit plus unconfirmed sends
     * within the window, and none at all while the broker's memory is full.
     */
    private void topUpCredit() {
        if (state != State.ACTIVE || receiver.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        int window = connection.settings().producerCredit();
        int credit = receiver.getCredit();
        int room = window - credit - unconfirmed;
        if (room <= 0 || (room < window / 2 && credit > 0)) {
            return;
        }
        if (waitingForMemory) {
            return;
        }
        CompletableFuture<Void> memory = session().memoryAvailable();
        if (!memory.isDone()) {
            waitingForMemory = true;
            memory.thenRun(() -> {
                waitingForMemory = false;
                topUpCredit();
                connection.pump();
            });
            return;
        }
        receiver.flow(room);
    }

    // ------------------------------------------------------------------ detach and close

    @Override
    public void onRemoteClose(boolean closed) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        deleteDynamicNode();
        if (receiver.getLocalState() != EndpointState.CLOSED) {
            if (closed) {
                receiver.close();
            } else {
                receiver.detach();
            }
        }
    }

    private void closeWithError(ErrorCondition error) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("{}: closing producer link '{}': {}", connection.describe(), receiver.getName(), error.getDescription());
        state = State.CLOSED;
        connection.forget(this);
        deleteDynamicNode();
        LinkHandler.close(receiver, error);
    }

    private void deleteDynamicNode() {
        if (dynamicQueue == null) {
            return;
        }
        String name = dynamicQueue;
        dynamicQueue = null;
        connection.removeDynamicQueue(name);
        session().admin().deleteTemporaryQueue(name).exceptionally(t -> {
            LOG.debug("{}: temporary queue '{}' already gone: {}", connection.describe(), name,
                    BrokerException.from(t).getMessage());
            return null;
        });
    }

    @Override
    public void release() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        assembler.reset();
        deleteDynamicNode();
    }
}
