package io.ferrymq.stomp;

import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.stomp.codec.StompFrame;

import java.util.HashMap;
import java.util.Map;

/** The connection's named transactions: BEGIN, COMMIT and ABORT, and the transaction a SEND or ACK names. */
final class StompTransactions {

    private final StompConnection conn;
    private final Map<String, Tx> open = new HashMap<>();

    StompTransactions(StompConnection conn) {
        this.conn = conn;
    }

    void onBegin(StompFrame f) {
        String name = requireName(f);
        if (open.containsKey(name)) {
            throw BrokerException.illegalState("transaction '" + name + "' is already open");
        }
        open.put(name, conn.session.begin());
        conn.receipt(f);
    }

    void onEnd(StompFrame f, boolean commit) {
        String name = requireName(f);
        Tx tx = open.remove(name);
        if (tx == null) {
            throw BrokerException.notFound("no open transaction '" + name + "' on this connection");
        }
        conn.track(commit ? conn.session.commit(tx) : conn.session.rollback(tx)).whenComplete((v, t) -> conn.done(f, t));
    }

    private static String requireName(StompFrame f) {
        String name = f.header("transaction");
        if (name == null || name.isEmpty()) {
            throw BrokerException.invalid(f.command() + " needs a transaction header");
        }
        return name;
    }

    /** The open transaction the frame's {@code transaction} header names; null when it names none. */
    Tx of(StompFrame f) {
        String name = f.header("transaction");
        if (name == null) {
            return null;
        }
        Tx tx = open.get(name);
        if (tx == null) {
            throw BrokerException.notFound("no open transaction '" + name + "' on this connection (BEGIN it first)");
        }
        return tx;
    }
}
