package io.ferrymq.amqp;

import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Subscription;

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
        return session.consume(Source.topic(TopicSubscription.shared(exchange, pattern, queueName, filter)), options)
                .exceptionallyCompose(t -> {
                    BrokerException e = BrokerException.from(t);
                    return CompletableFuture.failedFuture(e.code() != ErrorCode.PRECONDITION_FAILED ? e
                            : BrokerException.preconditionFailed("a subscription queue '" + queueName
                                    + "' exists with other properties: " + e.getMessage()));
                });
    }
}
