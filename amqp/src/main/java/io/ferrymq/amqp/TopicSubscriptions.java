package io.ferrymq.amqp;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.routing.FilterSpec;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.session.Session;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Topic subscriptions as JMS clients make them over AMQP (Qpid JMS' conventions, which Artemis shares):
 * the subscription name is the link name up to a {@code |} (later consumers of a shared subscription add
 * {@code |2}, {@code |global}, {@code |volatile1} ...), qualified by the container id (the JMS client id)
 * unless the source has the {@code global} capability. Durable subscriptions live in durable queues named
 * {@code CONTAINER.NAME} (as STOMP's); shared non-durable ones in a queue all their consumers share, deleted
 * when the last one leaves.
 */
final class TopicSubscriptions {

    private TopicSubscriptions() {
    }

    /** The subscription name a link name carries. */
    static String subscriptionName(String linkName) {
        int bar = linkName.indexOf('|');
        return bar < 0 ? linkName : linkName.substring(0, bar);
    }

    /** The queue of a durable subscription. */
    static String durableQueue(String containerId, String subscription, boolean global) {
        if (global || containerId == null) {
            return subscription + ":global";
        }
        return containerId + "." + subscription;
    }

    /** The queue of a shared non-durable subscription. */
    static String sharedVolatileQueue(String containerId, String subscription, boolean global) {
        if (global || containerId == null) {
            return subscription + ":global-volatile";
        }
        return containerId + "." + subscription + ":volatile";
    }

    /**
     * A consumer on a shared non-durable subscription: a non-exclusive, auto-deleted queue bound to the topic,
     * which any connection may join by the same name.
     */
    static CompletableFuture<Subscription> sharedVolatile(Session session, String exchange, String pattern,
                                                          String queueName, FilterSpec filter, ConsumeOptions options) {
        try {
            session.checkTopicPermission(Permission.CONSUME, exchange, pattern);
            Queue q = session.vhost().declareQueue(new QueueDeclaration(queueName, false, false, true, Map.of(), false),
                    session.connectionId()).value();
            boolean bound = session.vhost().bindingsTo(q).stream().anyMatch(b -> b.exchange().equals(exchange)
                    && b.key().equals(pattern) && java.util.Objects.equals(b.filterSpec(), filter));
            if (!bound) {
                session.vhost().bind(BindingDeclaration.queue(exchange, queueName, pattern).withFilter(filter));
            }
            return session.consumeManaged(queueName, options);
        } catch (BrokerException e) {
            if (e.code() == ErrorCode.PRECONDITION_FAILED) {
                return CompletableFuture.failedFuture(BrokerException.preconditionFailed("a subscription queue '"
                        + queueName + "' exists with other properties: " + e.getMessage()));
            }
            return CompletableFuture.failedFuture(e);
        }
    }
}
