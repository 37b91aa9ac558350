package io.ferrymq.openwire;

import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Outcome;
import jakarta.jms.JMSException;
import org.apache.activemq.command.TransactionId;
import org.apache.activemq.command.TransactionInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Local transactions (transacted JMS sessions): BEGIN, COMMIT (one phase) and ROLLBACK on core transactions.
 * Acknowledgements made in a transaction are held here until it ends: at commit they are settled in the core
 * transaction; at rollback they go back to their consumers, because the JMS client redelivers rolled-back
 * messages itself (and poison-acknowledges them past its maximum redeliveries). XA (two-phase) transactions
 * are refused with an exception that says so.
 */
final class OpenwireTransactions {

    static final String XA_REFUSED = "XA transactions are not supported by this broker; use a transacted session"
            + " (a local transaction) instead";

    private record HeldAck(OpenwireConsumer consumer, OpenwireConsumer.Dispatched dispatched, Outcome outcome) { }

    private static final class Open {
        final Tx tx;
        final List<HeldAck> acks = new ArrayList<>();

        Open(Tx tx) {
            this.tx = tx;
        }
    }

    private final OpenwireConnection conn;
    private final Map<TransactionId, Open> open = new HashMap<>();

    OpenwireTransactions(OpenwireConnection conn) {
        this.conn = conn;
    }

    /** The open transaction {@code id} of this connection. */
    Tx of(TransactionId id) {
        return find(id).tx;
    }

    private Open find(TransactionId id) {
        if (id.isXATransaction()) {
            throw BrokerException.invalid(XA_REFUSED);
        }
        Open o = open.get(id);
        if (o == null) {
            throw BrokerException.illegalState("transaction " + id + " is not open on this connection");
        }
        return o;
    }

    void holdAck(TransactionId id, OpenwireConsumer consumer, OpenwireConsumer.Dispatched d, Outcome outcome) {
        find(id).acks.add(new HeldAck(consumer, d, outcome));
    }

    void onTransactionInfo(TransactionInfo info) {
        TransactionId id = info.getTransactionId();
        if (id == null || id.isXATransaction() || info.getType() == TransactionInfo.RECOVER) {
            JMSException refused = OpenwireErrors.of(BrokerException.invalid(XA_REFUSED));
            conn.fail(info, refused);
            return;
        }
        switch (info.getType()) {
            case TransactionInfo.BEGIN -> {
                if (open.containsKey(id)) {
                    throw BrokerException.illegalState("transaction " + id + " has begun already");
                }
                open.put(id, new Open(conn.session.begin()));
                conn.respond(info);
            }
            case TransactionInfo.COMMIT_ONE_PHASE -> {
                Open o = take(id);
                for (HeldAck a : o.acks) {
                    conn.session.settle(a.dispatched().delivery, a.outcome(), o.tx);
                }
                conn.session.commit(o.tx).whenComplete((v, t) -> {
                    if (t != null) {
                        conn.fail(info, OpenwireErrors.commitFailed(BrokerException.from(t)));
                    } else {
                        conn.respond(info);
                    }
                });
            }
            case TransactionInfo.ROLLBACK -> {
                Open o = take(id);
                for (HeldAck a : o.acks) {
                    a.consumer().restore(a.dispatched());
                }
                conn.track(info, conn.session.rollback(o.tx));
            }
            case TransactionInfo.END -> conn.respond(info);
            default -> throw BrokerException.invalid(XA_REFUSED);
        }
    }

    private Open take(TransactionId id) {
        Open o = open.remove(id);
        if (o == null) {
            throw BrokerException.illegalState("transaction " + id + " is not open on this connection");
        }
        return o;
    }
}
