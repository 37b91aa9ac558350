package io.ferrymq.openwire;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.session.Tx;
import jakarta.jms.JMSException;
import org.apache.activemq.command.TransactionId;
import org.apache.activemq.command.TransactionInfo;

import java.util.HashMap;
import java.util.Map;

/**
 * Local transactions (transacted JMS sessions): BEGIN, COMMIT (one phase) and ROLLBACK on core transactions.
 * XA (two-phase) transactions are refused with an exception that says so.
 */
final class OpenwireTransactions {

    static final String XA_REFUSED = "XA transactions are not supported by this broker; use a transacted session"
            + " (a local transaction) instead";

    private final OpenwireConnection conn;
    private final Map<TransactionId, Tx> open = new HashMap<>();

    OpenwireTransactions(OpenwireConnection conn) {
        this.conn = conn;
    }

    /** The open transaction {@code id} of this connection. */
    Tx of(TransactionId id) {
        if (id.isXATransaction()) {
            throw BrokerException.invalid(XA_REFUSED);
        }
        Tx tx = open.get(id);
        if (tx == null) {
            throw BrokerException.illegalState("transaction " + id + " is not open on this connection");
        }
        return tx;
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
                open.put(id, conn.session.begin());
                conn.respond(info);
            }
            case TransactionInfo.COMMIT_ONE_PHASE -> {
                Tx tx = take(id);
                conn.session.commit(tx).whenComplete((v, t) -> {
                    if (t != null) {
                        conn.fail(info, OpenwireErrors.commitFailed(BrokerException.from(t)));
                    } else {
                        conn.respond(info);
                    }
                });
            }
            case TransactionInfo.ROLLBACK -> conn.track(info, conn.session.rollback(take(id)));
            case TransactionInfo.END -> conn.respond(info);
            default -> throw BrokerException.invalid(XA_REFUSED);
        }
    }

    private Tx take(TransactionId id) {
        Tx tx = open.remove(id);
        if (tx == null) {
            throw BrokerException.illegalState("transaction " + id + " is not open on this connection");
        }
        return tx;
    }
}
