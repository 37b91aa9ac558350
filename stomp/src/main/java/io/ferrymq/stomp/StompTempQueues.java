package io.ferrymq.stomp;

import java.util.HashMap;
import java.util.Map;

/**
 * The connection's temporary queues ({@code /temp-queue/NAME}): each created on first use as a temporary
 * queue of the connection, which the broker deletes when the connection ends.
 */
final class StompTempQueues {

    private final StompConnection conn;
    /** The names the client used, to the queues' broker names. */
    private final Map<String, String> byClientName = new HashMap<>();

    StompTempQueues(StompConnection conn) {
        this.conn = conn;
    }

    boolean has(String name) {
        return byClientName.containsKey(name);
    }

    /** The broker name of the connection's temporary queue {@code name}, created on first use. */
    String resolve(String name) {
        String real = byClientName.get(name);
        if (real == null) {
            real = conn.session.admin().declareTemporaryQueue("stomp-" + conn.connectionId + "-" + name, false);
            byClientName.put(name, real);
        }
        return real;
    }
}
