package io.ferrymq.core.queue;

import io.ferrymq.core.message.Message;

/**
 * A message that left a queue other than by being consumed, whatever protocol sent or consumed it: what ActiveMQ's
 * {@code Expired} and {@code MessageDLQd} advisories tell of. Published by the core to the listeners of
 * {@code Broker.onMessageEvent}.
 *
 * @param kind    what happened to it
 * @param vhost   the virtual host of the queue
 * @param queue   the queue it left
 * @param message the message as it was in that queue (not the dead-letter copy)
 * @param reason  the core's reason ({@code expired}, {@code rejected}, {@code delivery_limit}, {@code maxlen})
 */
public record MessageEvent(Kind kind, String vhost, String queue, Message message, String reason) {

    public enum Kind {
        /** Its time to live ran out in the queue (moved to the expiry target, if the queue has one, or dropped). */
        EXPIRED,
        /** Moved to the queue's dead-letter target (rejected, past its delivery limit, or pushed out by a limit). */
        DEAD_LETTERED
    }
}
