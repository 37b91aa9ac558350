package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.stomp.codec.StompFrame;

/**
 * ActiveMQ's SUBSCRIBE headers for how a queue chooses among consumers: {@code activemq.priority} (a
 * higher one gets messages first) and {@code activemq.exclusive} (while it lives, one exclusive consumer
 * gets everything). Message groups ({@code JMSXGroupID}) stay with their consumer while it lives, as in
 * ActiveMQ, whatever protocol the queue's other consumers speak.
 */
final class StompDispatchHeaders {

    private StompDispatchHeaders() {
    }

    /** @throws BrokerException INVALID_ARGUMENT for a priority that is not a whole number */
    static ConsumeOptions apply(StompFrame f, ConsumeOptions options) {
        String priority = f.header("activemq.priority");
        int p = 0;
        if (priority != null) {
            try {
                p = Integer.parseInt(priority.trim());
            } catch (NumberFormatException e) {
                throw BrokerException.invalid("activemq.priority must be a whole number, was '" + priority + "'");
            }
        }
        return options.withPriority(p).withExclusiveActive("true".equalsIgnoreCase(f.header("activemq.exclusive")))
                .withStickyGroups(true);
    }
}
