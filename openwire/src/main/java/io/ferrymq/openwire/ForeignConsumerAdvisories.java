package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.ConsumerEvent;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.SessionId;

import java.util.List;
import java.util.function.Consumer;

/**
 * The consumers of other protocols (a STOMP subscriber, an AMQP receiver) in ActiveMQ's consumer advisories, from the
 * core's consumer events: each as a ConsumerInfo of its own, on the queue it reads or the topic it subscribed to, so
 * {@code consumerCount} counts every consumer of a destination. OpenWire's own consumers are announced by their
 * connections (with the client's ConsumerInfo), so their events are left out here.
 */
final class ForeignConsumerAdvisories implements Consumer<ConsumerEvent> {

    private final Advisories advisories;

    ForeignConsumerAdvisories(Advisories advisories) {
        this.advisories = advisories;
    }

    @Override
    public void accept(ConsumerEvent e) {
        String protocol = e.client().protocol();
        if (!Broker.DEFAULT_VHOST.equals(e.vhost()) || protocol == null || protocol.startsWith(OpenwireProtocol.NAME)) {
            return;
        }
        ActiveMQDestination d = destinationOf(e);
        if (d == null) {
            return;
        }
        ConsumerId id = new ConsumerId(new SessionId(new ConnectionId("ID:ferrymq-" + protocol + "-"
                + e.client().connectionId()), 0), e.key());
        if (e.kind() == ConsumerEvent.Kind.ATTACHED) {
            ConsumerInfo info = new ConsumerInfo(id);
            info.setDestination(d);
            advisories.consumerAdded(info, List.of(d));
        } else {
            advisories.consumerRemoved(id);
        }
    }

    /** What an ActiveMQ client would call it; null for the broker's own and temporary queues. */
    private static ActiveMQDestination destinationOf(ConsumerEvent e) {
        if (e.topic()) {
            if (e.exchange().equals(OpenwireDestinations.TOPIC_EXCHANGE)) {
                return new ActiveMQTopic(jmsTopicName(e.pattern()));
            }
            return OpenwireDestinations.published(e.exchange(), e.pattern(), null);
        }
        return e.queue().startsWith("amq.") ? null : new ActiveMQQueue(e.queue());
    }

    /** A core topic pattern as a JMS wildcard: the same words, {@code #} becomes {@code >}. */
    private static String jmsTopicName(String pattern) {
        String[] words = pattern.split("\\.", -1);
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals("#")) {
                words[i] = ">";
            }
        }
        return String.join(".", words);
    }
}
