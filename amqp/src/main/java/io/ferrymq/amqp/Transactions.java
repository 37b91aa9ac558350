package io.ferrymq.amqp;

import io.ferrymq.core.api.Tx;
import org.apache.qpid.proton.amqp.Binary;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** The connection's open transactions by their AMQP txn-id (transactions belong to the connection). */
final class Transactions {

    private final Map<Binary, Tx> open = new HashMap<>();

    Binary add(Tx tx) {
        Binary id = new Binary(ByteBuffer.allocate(Long.BYTES).putLong(tx.id()).array());
        open.put(id, tx);
        return id;
    }

    /** The open transaction with this id, or null. */
    Tx find(Binary id) {
        return id == null ? null : open.get(id);
    }

    Tx remove(Binary id) {
        return id == null ? null : open.remove(id);
    }
}
