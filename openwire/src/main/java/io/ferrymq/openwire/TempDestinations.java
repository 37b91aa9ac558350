package io.ferrymq.openwire;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary queues of all OpenWire connections: the client names them ({@code ID:host-...:1:1}), the core
 * names them {@code amq.gen-...}. Shared by the module's connections so that a reply sent to a temporary queue
 * from another connection reaches it; each connection removes its own when it ends.
 */
final class TempDestinations {

    private final Map<String, String> coreByClientName = new ConcurrentHashMap<>();
    private final Map<String, String> clientNameByCore = new ConcurrentHashMap<>();

    void add(String clientName, String coreName) {
        coreByClientName.put(clientName, coreName);
        clientNameByCore.put(coreName, clientName);
    }

    void remove(String clientName) {
        String core = coreByClientName.remove(clientName);
        if (core != null) {
            clientNameByCore.remove(core);
        }
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
