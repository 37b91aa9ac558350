package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.MessageEvent;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Consumer;

/**
 * ActiveMQ's advisories of messages that expired ({@code ActiveMQ.Advisory.Expired.Queue.X}/{@code .Topic.X}) or were
 * moved to the dead-letter queue ({@code ActiveMQ.Advisory.MessageDLQd.Queue.X}), from the core's message events, so
 * they tell of every protocol's messages. As ActiveMQ sends them (its {@code AdvisoryBroker}): the advisory's data
 * structure is a copy of the message without its body, and the expiry advisory names the message in
 * {@code orignalMessageId} (ActiveMQ's spelling). Runs on the queue's executor, so it only builds the advisory when
 * an advisory consumer watches its topic.
 */
final class MessageAdvisories implements Consumer<MessageEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(MessageAdvisories.class);

    private final Advisories advisories;
    private final TempDestinations temps;

    MessageAdvisories(Advisories advisories, TempDestinations temps) {
        this.advisories = advisories;
        this.temps = temps;
    }

    @Override
    public void accept(MessageEvent e) {
        // OpenWire clients live in the default virtual host.
        if (!Broker.DEFAULT_VHOST.equals(e.vhost())) {
            return;
        }
        ActiveMQDestination where = destinationOf(e.queue(), e.message());
        if (OpenwireDestinations.isAdvisory(where)) {
            return;
        }
        ActiveMQTopic topic = e.kind() == MessageEvent.Kind.EXPIRED ? AdvisorySupport.getExpiredMessageTopic(where)
                : AdvisorySupport.getMessageDLQdAdvisoryTopic(where);
        if (!advisories.watched(topic)) {
            return;
        }
        ActiveMQMessage payload;
        try {
            payload = OpenwireMessages.toOpenwire(e.message(), temps);
            payload.clearBody();
        } catch (Exception failed) {
            LOG.warn("Could not describe message {} of queue '{}' in an advisory: {}", e.message().id(), e.queue(),
                    failed.toString());
            return;
        }
        Map<String, Object> properties = e.kind() == MessageEvent.Kind.EXPIRED
                ? Map.of(AdvisorySupport.MSG_PROPERTY_MESSAGE_ID, payload.getMessageId().toString()) : Map.of();
        advisories.fire(topic, payload, properties);
    }

    /**
     * The destination ActiveMQ would name: the queue a message was sent to (a virtual-topic consumer queue
     * included), else the topic it was published on, as its consumers see it.
     */
    private ActiveMQDestination destinationOf(String queue, Message m) {
        if (m.address().isEmpty() || OpenwireDestinations.virtualTopicOf(queue) != null) {
            return OpenwireDestinations.published("", queue, temps);
        }
        return OpenwireDestinations.published(m.address(), m.routingKey(), temps);
    }
}
