package io.ferrymq.openwire;

import io.ferrymq.core.BrokerException;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.DestinationInfo;

import java.util.HashSet;
import java.util.Set;

/**
 * The connection's temporary destinations (DestinationInfo). A temporary queue is a core temporary queue of the
 * connection, gone with it; a temporary topic is a topic key nobody else knows, which needs nothing created.
 */
final class OpenwireTempQueues {

    private final OpenwireConnection conn;
    private final Set<String> own = new HashSet<>();
    private long next;

    OpenwireTempQueues(OpenwireConnection conn) {
        this.conn = conn;
    }

    void onDestinationInfo(DestinationInfo info) {
        ActiveMQDestination d = info.getDestination();
        if (d == null || !d.isTemporary() || !d.isQueue()) {
            // Ordinary destinations are created on first use; temporary topics need nothing.
            conn.respond(info);
            return;
        }
        String name = d.getPhysicalName();
        if (info.isAddOperation()) {
            if (!own.contains(name)) {
                String core = conn.session.admin().declareTemporaryQueue("openwire-" + conn.connectionId + "-" + ++next,
                        false);
                own.add(name);
                conn.temps.add(name, core);
            }
            conn.respond(info);
        } else {
            String core = conn.temps.coreName(name);
            if (core == null || !own.remove(name)) {
                throw BrokerException.notFound("no temporary queue '" + name + "' on this connection");
            }
            conn.temps.remove(name);
            conn.track(info, conn.session.admin().deleteTemporaryQueue(core));
        }
    }

    /** The connection ended: the core deletes its temporary queues with its session; their names go. */
    void connectionClosed() {
        own.forEach(conn.temps::remove);
        own.clear();
    }
}
