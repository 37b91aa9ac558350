package io.ferrymq.openwire;

import io.ferrymq.core.errors.BrokerException;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTempQueue;
import org.apache.activemq.command.ActiveMQTopic;

import java.util.Arrays;
import java.util.List;

/**
 * JMS destinations onto core names, by the cross-protocol table: queue {@code X} is core queue {@code X}; topic
 * {@code a.b} is key {@code a.b} on {@code amq.topic}, whose patterns already use ActiveMQ's {@code .} and
 * {@code *}, with {@code >} spelt {@code #}; a composite destination {@code a,b} is each of its parts. In a
 * message's reply-to they are written as STOMP writes them ({@code /queue/X}, {@code /topic/K},
 * {@code /reply-queue/amq.gen-...}), so that any protocol can answer.
 */
final class OpenwireDestinations {

    static final String TOPIC_EXCHANGE = "amq.topic";
    static final String ADVISORY_PREFIX = "ActiveMQ.Advisory.";
    /** ActiveMQ's virtual topics: a consumer of queue {@code Consumer.Y.VirtualTopic.X} gets topic {@code VirtualTopic.X}. */
    static final String VIRTUAL_TOPIC_PREFIX = "VirtualTopic.";
    private static final String VIRTUAL_CONSUMER_PREFIX = "Consumer.";

    private OpenwireDestinations() {
    }

    /** The parts of a composite destination, or the destination itself. */
    static List<ActiveMQDestination> components(ActiveMQDestination d) {
        if (d == null) {
            throw BrokerException.invalid("the command names no destination");
        }
        return d.isComposite() ? Arrays.asList(d.getCompositeDestinations()) : List.of(d);
    }

    static boolean isAdvisory(ActiveMQDestination d) {
        return d.isTopic() && d.getPhysicalName().startsWith(ADVISORY_PREFIX);
    }

    /** The core topic pattern (or key) of a JMS topic name: the same words, {@code >} becomes {@code #}. */
    static String topicKey(String name) {
        if (name.isEmpty()) {
            throw BrokerException.invalid("a topic needs a name");
        }
        if (!name.contains(">")) {
            return name;
        }
        String[] words = name.split("\\.", -1);
        for (int i = 0; i < words.length; i++) {
            if (words[i].equals(">")) {
                words[i] = "#";
            }
        }
        return String.join(".", words);
    }

    /** The topic a virtual-topic consumer queue ({@code Consumer.Y.VirtualTopic.X}) takes; null for other queues. */
    static String virtualTopicOf(String queue) {
        if (!queue.startsWith(VIRTUAL_CONSUMER_PREFIX)) {
            return null;
        }
        int at = queue.indexOf("." + VIRTUAL_TOPIC_PREFIX, VIRTUAL_CONSUMER_PREFIX.length());
        if (at <= VIRTUAL_CONSUMER_PREFIX.length()) {
            return null;
        }
        String topic = queue.substring(at + 1);
        return topic.length() > VIRTUAL_TOPIC_PREFIX.length() ? topic : null;
    }

    /** A JMS destination as a core message's reply-to. */
    static String toReplyTo(ActiveMQDestination d, TempDestinations temps) {
        if (d == null) {
            return null;
        }
        if (d.isTemporary() && d.isQueue()) {
            String core = temps.coreName(d.getPhysicalName());
            return "/reply-queue/" + (core != null ? core : d.getPhysicalName());
        }
        return (d.isTopic() ? "/topic/" : "/queue/") + d.getPhysicalName();
    }

    /** A core message's reply-to as a JMS destination; a bare name (an AMQP address) is a queue. */
    static ActiveMQDestination fromReplyTo(String replyTo, TempDestinations temps) {
        if (replyTo == null || replyTo.isEmpty()) {
            return null;
        }
        if (replyTo.startsWith("/queue/")) {
            return new ActiveMQQueue(replyTo.substring(7));
        }
        if (replyTo.startsWith("/topic/")) {
            return new ActiveMQTopic(replyTo.substring(7));
        }
        if (replyTo.startsWith("/reply-queue/")) {
            return queueByCoreName(replyTo.substring(13), temps);
        }
        if (replyTo.startsWith("queue://")) {
            return new ActiveMQQueue(replyTo.substring(8));
        }
        if (replyTo.startsWith("topic://")) {
            return new ActiveMQTopic(replyTo.substring(8));
        }
        return queueByCoreName(replyTo, temps);
    }

    private static ActiveMQDestination queueByCoreName(String core, TempDestinations temps) {
        String client = temps.clientName(core);
        return client != null ? new ActiveMQTempQueue(client) : new ActiveMQQueue(core);
    }

    /** Where a message was published (exchange and key), as the JMSDestination its consumers see. */
    static ActiveMQDestination published(String exchange, String key, TempDestinations temps) {
        if (exchange.isEmpty()) {
            return queueByCoreName(key, temps);
        }
        if (exchange.equals(TOPIC_EXCHANGE)) {
            return new ActiveMQTopic(key);
        }
        return new ActiveMQTopic(key.isEmpty() ? exchange : exchange + "." + key);
    }
}
