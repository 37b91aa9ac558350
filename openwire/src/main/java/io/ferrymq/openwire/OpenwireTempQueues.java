package io.ferrymq.openwire;

import io.ferrymq.core.errors.BrokerException;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.DestinationInfo;

import java.util.HashSet;
import java.util.Set;

/**
 * The connection's temporary destinations (DestinationInfo). A temporary queue is a core temporary queue of the
 * connection, gone with it; a temporary topic is a topic key nobody else knows, which needs nothing created. Both
 * are announced on the temporary-destination advisory topics.
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
        if (d != null && !d.isTemporary() && d.isQueue() && info.isRemoveOperation()) {
            // ActiveMQConnection.destroyDestination: as in ActiveMQ, refused while the queue has consumers.
            conn.track(info, conn.session.admin().deleteQueue(d.getPhysicalName(), true, false)
                    .thenRun(() -> conn.advisories.destinationRemoved(d)));
            return;
        }
        if (d == null || !d.isTemporary()) {
            // Ordinary destinations are created on first use; topics need nothing created or deleted.
            conn.respond(info);
            return;
        }
        String name = d.getPhysicalName();
        if (info.isAddOperation()) {
            if (!own.contains(name)) {
                // A temporary topic is a topic key nobody else knows: nothing to create.
                String core = d.isQueue() ? conn.session.admin().declareTemporaryQueue("openwire-" + conn.connectionId
                        + "-" + ++next, false) : null;
                own.add(name);
                conn.temps.add(info.getConnectionId(), d, core);
            }
            conn.respond(info);
        } else {
            if (!own.remove(name)) {
                throw BrokerException.notFound("no temporary destination '" + name + "' on this connection");
            }
            String core = conn.temps.coreName(name);
            conn.temps.remove(name);
            if (core != null) {
                conn.track(info, conn.session.admin().deleteTemporaryQueue(core));
            } else {
                conn.respond(info);
            }
        }
    }

    /** The connection ended: the core deletes its temporary queues with its session; their names go. */
    void connectionClosed() {
        own.forEach(conn.temps::remove);
        own.clear();
    }
}
