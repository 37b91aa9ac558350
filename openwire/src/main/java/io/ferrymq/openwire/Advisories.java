package io.ferrymq.openwire;

import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.DataStructure;
import org.apache.activemq.command.DestinationInfo;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.command.ProducerInfo;
import org.apache.activemq.command.RemoveInfo;
import org.apache.activemq.filter.DestinationFilter;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ActiveMQ's advisory topics for what OpenWire clients do, shared by the module's connections:
 * {@code ActiveMQ.Advisory.Connection} (ConnectionInfo, then RemoveInfo), {@code ActiveMQ.Advisory.Consumer.Queue.X}
 * and {@code .Topic.X} (ConsumerInfo, RemoveInfo, with the {@code consumerCount} property),
 * {@code ActiveMQ.Advisory.Producer.Queue.X} and {@code .Topic.X} (ProducerInfo, RemoveInfo, {@code producerCount}),
 * and {@code ActiveMQ.Advisory.Queue} and {@code .Topic} (DestinationInfo of destinations being used or deleted).
 * As in ActiveMQ, a new advisory consumer first hears of what exists now, then of changes. Consumers of other
 * protocols come from the core's consumer events ({@link ForeignConsumerAdvisories}); producers of other protocols
 * are not seen (the core has no producers, only sends); the queues the broker has are, through the subscriber's
 * session.
 * {@link MessageAdvisories} fires the advisories of expired and dead-lettered messages through it.
 */
final class Advisories {

    /** Hears the advisories of one advisory consumer; called on any thread. */
    interface Watcher {
        void advise(ActiveMQTopic topic, DataStructure data, Map<String, Object> properties);
    }

    private record Watch(DestinationFilter filter, Watcher watcher) {
        void offer(ActiveMQTopic topic, DataStructure data, Map<String, Object> properties) {
            if (filter.matches(topic)) {
                watcher.advise(topic, data, properties);
            }
        }
    }

    private record Consumer(ConsumerInfo info, List<ActiveMQDestination> destinations) { }

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Map<ConnectionId, ConnectionInfo> connections = new ConcurrentHashMap<>();
    private final Map<ConsumerId, Consumer> consumers = new ConcurrentHashMap<>();
    private final Map<ProducerId, ProducerInfo> producers = new ConcurrentHashMap<>();
    /** Destinations used over OpenWire. */
    private final Set<ActiveMQDestination> destinations = ConcurrentHashMap.newKeySet();

    /**
     * Starts telling {@code w} of the advisories {@code advisoryTopic} (possibly a wildcard) covers, first what exists
     * now: the connections, consumers, producers, and destinations, with {@code queuesNow} the broker's queues.
     *
     * @return what stops it
     */
    Runnable watch(ActiveMQDestination advisoryTopic, Watcher w, Collection<String> queuesNow) {
        Watch watch = new Watch(DestinationFilter.parseFilter(advisoryTopic), w);
        watches.add(watch);
        connections.values().forEach(c -> watch.offer(AdvisorySupport.getConnectionAdvisoryTopic(), c, Map.of()));
        for (Consumer c : consumers.values()) {
            for (ActiveMQDestination d : c.destinations()) {
                watch.offer(AdvisorySupport.getConsumerAdvisoryTopic(d), c.info(), Map.of("consumerCount", consumerCount(d)));
            }
        }
        for (ProducerInfo p : producers.values()) {
            watch.offer(AdvisorySupport.getProducerAdvisoryTopic(p.getDestination()), p,
                    Map.of("producerCount", producerCount(p.getDestination())));
        }
        Set<ActiveMQDestination> existing = new LinkedHashSet<>(destinations);
        queuesNow.forEach(q -> existing.add(new ActiveMQQueue(q)));
        existing.forEach(d -> watch.offer(AdvisorySupport.getDestinationAdvisoryTopic(d),
                new DestinationInfo(null, DestinationInfo.ADD_OPERATION_TYPE, d), Map.of()));
        return () -> watches.remove(watch);
    }

    void connectionAdded(ConnectionInfo info) {
        ConnectionInfo shown = info.copy();
        // The advisory tells who connected, never with what secret.
        shown.setPassword(null);
        connections.put(info.getConnectionId(), shown);
        fire(AdvisorySupport.getConnectionAdvisoryTopic(), shown, Map.of());
    }

    void connectionRemoved(ConnectionId id) {
        if (connections.remove(id) != null) {
            fire(AdvisorySupport.getConnectionAdvisoryTopic(), new RemoveInfo(id), Map.of());
        }
    }

    void consumerAdded(ConsumerInfo info, List<ActiveMQDestination> on) {
        if (on.isEmpty()) {
            return;
        }
        consumers.put(info.getConsumerId(), new Consumer(info, List.copyOf(on)));
        for (ActiveMQDestination d : on) {
            destinationUsed(d);
            fire(AdvisorySupport.getConsumerAdvisoryTopic(d), info, Map.of("consumerCount", consumerCount(d)));
        }
    }

    void consumerRemoved(ConsumerId id) {
        Consumer c = consumers.remove(id);
        if (c != null) {
            for (ActiveMQDestination d : c.destinations()) {
                fire(AdvisorySupport.getConsumerAdvisoryTopic(d), new RemoveInfo(id), Map.of("consumerCount",
                        consumerCount(d)));
            }
        }
    }

    void producerAdded(ProducerInfo info) {
        ActiveMQDestination d = info.getDestination();
        if (d == null || OpenwireDestinations.isAdvisory(d)) {
            // An anonymous producer names its destination with each message.
            return;
        }
        producers.put(info.getProducerId(), info);
        destinationUsed(d);
        fire(AdvisorySupport.getProducerAdvisoryTopic(d), info, Map.of("producerCount", producerCount(d)));
    }

    void producerRemoved(ProducerId id) {
        ProducerInfo p = producers.remove(id);
        if (p != null) {
            fire(AdvisorySupport.getProducerAdvisoryTopic(p.getDestination()), new RemoveInfo(id),
                    Map.of("producerCount", producerCount(p.getDestination())));
        }
    }

    /** A queue or topic in use: the destination advisory tells of it the first time. */
    void destinationUsed(ActiveMQDestination d) {
        if (d.isTemporary() || OpenwireDestinations.isAdvisory(d)) {
            return;
        }
        // Looked up first: every send names its destination, and a lookup takes no lock where an add does.
        if (!destinations.contains(d) && destinations.add(d)) {
            fire(AdvisorySupport.getDestinationAdvisoryTopic(d),
                    new DestinationInfo(null, DestinationInfo.ADD_OPERATION_TYPE, d), Map.of());
        }
    }

    void destinationRemoved(ActiveMQDestination d) {
        destinations.remove(d);
        fire(AdvisorySupport.getDestinationAdvisoryTopic(d),
                new DestinationInfo(null, DestinationInfo.REMOVE_OPERATION_TYPE, d), Map.of());
    }

    private int consumerCount(ActiveMQDestination d) {
        int n = 0;
        for (Consumer c : consumers.values()) {
            if (c.destinations().contains(d)) {
                n++;
            }
        }
        return n;
    }

    private int producerCount(ActiveMQDestination d) {
        int n = 0;
        for (ProducerInfo p : producers.values()) {
            if (d.equals(p.getDestination())) {
                n++;
            }
        }
        return n;
    }

    /** Whether an advisory consumer watches {@code topic} (to build an advisory only for someone). */
    boolean watched(ActiveMQTopic topic) {
        for (Watch w : watches) {
            if (w.filter().matches(topic)) {
                return true;
            }
        }
        return false;
    }

    void fire(ActiveMQTopic topic, DataStructure data, Map<String, Object> properties) {
        for (Watch w : watches) {
            w.offer(topic, data, properties);
        }
    }
}
