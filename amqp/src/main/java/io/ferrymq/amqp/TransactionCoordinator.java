package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpDecodeException;
import io.ferrymq.amqp.message.AmqpSections;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transaction.Coordinator;
import org.apache.qpid.proton.amqp.transaction.Declare;
import org.apache.qpid.proton.amqp.transaction.Declared;
import org.apache.qpid.proton.amqp.transaction.Discharge;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The transaction coordinator (AMQP 1.0 part 4): a link whose target is the coordinator, carrying declare
 * and discharge messages. Declare begins a core transaction; discharge commits it (the acknowledgement waits
 * until the commit is stored) or rolls it back. Transactions the link declared and never discharged roll back
 * when it goes.
 */
final class TransactionCoordinator implements LinkHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    private static final int CREDIT = 100;

    private final AmqpConnection connection;
    private final Receiver receiver;
    private final MessageAssembler assembler = new MessageAssembler(64 * 1024);
    private final Set<Binary> declared = new LinkedHashSet<>();
    private boolean active;

    TransactionCoordinator(AmqpConnection connection, Receiver receiver) {
        this.connection = connection;
        this.receiver = receiver;
    }

    @Override
    public Link link() {
        return receiver;
    }

    @Override
    public void onRemoteOpen() {
        Coordinator remote = (Coordinator) receiver.getRemoteTarget();
        // Proton-J's Coordinator.copy() returns null, and a null target in the answer means "refused".
        Coordinator local = new Coordinator();
        local.setCapabilities(remote.getCapabilities());
        receiver.setTarget(local);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.open();
        receiver.flow(CREDIT);
        active = true;
    }

    @Override
    public void onFlow() {
    }

    @Override
    public void onDelivery(Delivery pd) {
        if (!active || receiver.current() != pd) {
            return;
        }
        if (!assembler.read(receiver, pd)) {
            assembler.reset();
            receiver.advance();
            reject(pd, AmqpErrors.of(AmqpErrors.DECODE_ERROR, "a transaction control message must be small"));
            return;
        }
        if (pd.isPartial()) {
            return;
        }
        byte[] encoded = assembler.take();
        receiver.advance();
        receiver.flow(1);
        Object body;
        try {
            AmqpSections s = AmqpSections.decode(encoded);
            body = s.body.size() == 1 && s.body.get(0) instanceof AmqpValue v ? v.getValue() : null;
        } catch (AmqpDecodeException e) {
            reject(pd, AmqpErrors.of(AmqpErrors.DECODE_ERROR, e.getMessage()));
            return;
        }
        if (body instanceof Declare d) {
            declare(pd, d);
        } else if (body instanceof Discharge d) {
            discharge(pd, d);
        } else {
            reject(pd, AmqpErrors.of(AmqpErrors.DECODE_ERROR, "the coordinator takes declare and discharge"
                    + " messages (an amqp-value section), not " + body));
        }
    }

    private void declare(Delivery pd, Declare d) {
        if (d.getGlobalId() != null) {
            reject(pd, AmqpErrors.of(AmqpErrors.NOT_IMPLEMENTED, "distributed transactions (declare with a global-id)"
                    + " are not supported; use local transactions"));
            return;
        }
        Tx tx;
        try {
            tx = connection.session().begin();
        } catch (BrokerException e) {
            reject(pd, AmqpErrors.of(e));
            return;
        }
        Binary id = connection.transactions().add(tx);
        declared.add(id);
        Declared answer = new Declared();
        answer.setTxnId(id);
        pd.disposition(answer);
        pd.settle();
    }

    private void discharge(Delivery pd, Discharge d) {
        Binary id = d.getTxnId();
        Tx tx = connection.transactions().remove(id);
        declared.remove(id);
        if (tx == null) {
            reject(pd, AmqpErrors.of(AmqpErrors.TX_UNKNOWN_ID, "transaction " + id + " is not open on this connection"));
            return;
        }
        boolean rollback = Boolean.TRUE.equals(d.getFail());
        var done = rollback ? connection.session().rollback(tx) : connection.session().commit(tx);
        done.whenComplete((v, t) -> {
            if (t == null) {
                accept(pd);
            } else {
                BrokerException e = BrokerException.from(t);
                LOG.info("{}: {} of {} failed: {}", connection.describe(), rollback ? "rollback" : "commit", tx,
                        e.getMessage());
                reject(pd, AmqpErrors.of(rollback ? AmqpErrors.condition(e.code()) : AmqpErrors.TX_ROLLBACK,
                        (rollback ? "" : "the transaction was rolled back: ") + e.getMessage()));
            }
            connection.pump();
        });
    }

    private void accept(Delivery pd) {
        if (!pd.isSettled()) {
            pd.disposition(Accepted.getInstance());
            pd.settle();
        }
    }

    private void reject(Delivery pd, ErrorCondition error) {
        if (!pd.isSettled()) {
            Rejected r = new Rejected();
            r.setError(error);
            pd.disposition(r);
            pd.settle();
        }
    }

    @Override
    public void onRemoteClose(boolean closed) {
        release();
        if (receiver.getLocalState() != EndpointState.CLOSED) {
            if (closed) {
                receiver.close();
            } else {
                receiver.detach();
            }
        }
    }

    @Override
    public void release() {
        active = false;
        for (Binary id : declared) {
            Tx tx = connection.transactions().remove(id);
            if (tx != null && connection.session() != null && !connection.session().isClosed()) {
                connection.session().rollback(tx);
            }
        }
        declared.clear();
    }
}
