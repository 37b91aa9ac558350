package io.ferrymq.amqp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Container ids held by connections that asked for {@code sole-connection-for-container} (Qpid JMS does so
 * for an explicit JMS client id): a second connection with the same id in the same virtual host is refused,
 * as JMS requires client ids to be unique.
 */
final class ContainerRegistry {

    private final ConcurrentHashMap<String, Long> holders = new ConcurrentHashMap<>();

    private static String key(String vhost, String containerId) {
        return vhost + "\u0000" + containerId;
    }

    /** @return true if this connection now holds the id */
    boolean claim(String vhost, String containerId, long connectionId) {
        return holders.putIfAbsent(key(vhost, containerId), connectionId) == null;
    }

    void release(String vhost, String containerId, long connectionId) {
        holders.remove(key(vhost, containerId), connectionId);
    }
}
