package io.ferrymq.openwire;

import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.DestinationInfo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary destinations of all OpenWire connections. The client names them ({@code ID:host-...:1:1}); a
 * temporary queue's core queue is named {@code amq.gen-...}. Shared by the module's connections so that a reply
 * sent to a temporary queue from another connection reaches it, and so that the temporary-destination advisories
 * ({@code ActiveMQ.Advisory.TempQueue}, {@code TempTopic}) reach every connection watching them: the ActiveMQ
 * client refuses to send to a temporary destination it has not heard of there.
 */
final class TempDestinations {

    /** Hears of temporary destinations being created and deleted; called on any thread. */
    interface Watcher {
        void changed(DestinationInfo change);
    }

    private final Map<String, String> coreByClientName = new ConcurrentHashMap<>();
    private final Map<String, String> clientNameByCore = new ConcurrentHashMap<>();
    private final Map<String, DestinationInfo> live = new ConcurrentHashMap<>();
    private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();

    /** A temporary queue (with its core queue) or topic (coreName null) of connection {@code owner}. */
    void add(ConnectionId owner, ActiveMQDestination d, String coreName) {
        String name = d.getPhysicalName();
        if (coreName != null) {
            coreByClientName.put(name, coreName);
            clientNameByCore.put(coreName, name);
        }
        DestinationInfo added = new DestinationInfo(owner, DestinationInfo.ADD_OPERATION_TYPE, d);
        live.put(name, added);
        watchers.forEach(w -> w.changed(added));
    }

    void remove(String clientName) {
        String core = coreByClientName.remove(clientName);
        if (core != null) {
            clientNameByCore.remove(core);
        }
        DestinationInfo was = live.remove(clientName);
        if (was != null) {
            DestinationInfo removed = new DestinationInfo(was.getConnectionId(), DestinationInfo.REMOVE_OPERATION_TYPE,
                    was.getDestination());
            watchers.forEach(w -> w.changed(removed));
        }
    }

    /** Starts telling {@code w} of changes; returns the temporary destinations that exist now. */
    List<DestinationInfo> watch(Watcher w) {
        watchers.add(w);
        return List.copyOf(live.values());
    }

    void unwatch(Watcher w) {
        watchers.remove(w);
    }

    /** The core queue of a client's temporary queue; null when no connection has it (any more). */
    String coreName(String clientName) {
        return coreByClientName.get(clientName);
    }

    /** The client's name of a core temporary queue; null when it is not an OpenWire one. */
    String clientName(String coreName) {
        return clientNameByCore.get(coreName);
    }
}
