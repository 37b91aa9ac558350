package io.ferrymq.bench.scenario;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.DestinationKind;
import io.ferrymq.bench.driver.Protocol;
import io.ferrymq.bench.load.LoadSpec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The standard scenarios. Every one sends 1 KiB messages as fast as the brokers confirm them, each producer
 * keeping up to 100 SENDs unconfirmed (receipts), so a broker cannot win by buffering without bound. Persistent
 * runs acknowledge cumulatively every 100 messages (ack mode {@code client}) with a prefetch of 1000, as a
 * durable consumer would; non-persistent runs use {@code auto} acknowledgement.
 */
public final class Scenarios {

    /** Also the name of the connection-scale scenario, run by {@code ferrymq-bench connections}. */
    public static final String CONNECTIONS = "stomp-connections-10k";

    private static final List<Scenario> ALL = List.of(
            queue("stomp-queue-1x1", 1, false),
            queue("stomp-queue-1x1-persistent", 1, true),
            queue("stomp-queue-10x10", 10, false),
            queue("stomp-queue-10x10-persistent", 10, true),
            topic("stomp-topic-1x50", 50),
            mqtt("mqtt-qos0-10x10", 10, 10, false),
            mqtt("mqtt-qos1-10x10", 10, 10, true),
            mqtt("mqtt-qos0-1x100", 1, 100, false),
            amqp("amqp-queue-1x1", 1, false),
            amqp("amqp-queue-1x1-persistent", 1, true),
            amqp("amqp-queue-10x10", 10, false),
            amqp("amqp-queue-10x10-persistent", 10, true),
            amqp091("amqp091-queue-1x1", 1, false),
            amqp091("amqp091-queue-1x1-persistent", 1, true),
            amqp091("amqp091-queue-10x10", 10, false),
            amqp091("amqp091-queue-10x10-persistent", 10, true),
            openwire("openwire-queue-1x1", 1, false),
            openwire("openwire-queue-1x1-persistent", 1, true),
            openwire("openwire-queue-10x10", 10, false),
            openwire("openwire-queue-10x10-persistent", 10, true));

    private Scenarios() {
    }

    public static List<Scenario> all() {
        return ALL;
    }

    public static Optional<Scenario> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static Scenario queue(String name, int clients, boolean persistent) {
        LoadSpec spec = spec(clients, clients, DestinationKind.QUEUE, persistent);
        return new Scenario(name, clients + " producer(s) -> 1 queue -> " + clients + " consumer(s)"
                + (persistent ? ", persistent, client acks every 100" : ", auto ack"), spec);
    }

    private static Scenario topic(String name, int subscribers) {
        LoadSpec spec = spec(1, subscribers, DestinationKind.TOPIC, false);
        return new Scenario(name, "1 producer -> 1 topic -> " + subscribers + " subscribers (fan-out), auto ack", spec);
    }

    /**
     * MQTT topics: with several subscribers, 10x10 is ten independent topic pairs (producer k and subscriber k
     * on topic k), the usual MQTT load; 1x100 is one topic fanned out to 100 subscribers. QoS 1 publishes are
     * confirmed by PUBACK and subscribed at QoS 1.
     */
    private static Scenario mqtt(String name, int producers, int subscribers, boolean qos1) {
        int topics = producers == subscribers ? producers : 1;
        LoadSpec spec = new LoadSpec(Protocol.MQTT, producers, subscribers, topics, DestinationKind.TOPIC, "bench", 1024,
                qos1, qos1 ? AckMode.CLIENT_INDIVIDUAL : AckMode.AUTO, 1, 1000, 100, 0,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15));
        String qos = qos1 ? "QoS 1" : "QoS 0";
        return new Scenario(name, topics == 1
                ? producers + " publisher -> 1 topic -> " + subscribers + " subscribers (fan-out), " + qos
                : producers + " publishers -> " + topics + " topics -> " + subscribers + " subscribers (one per topic), " + qos,
                spec);
    }

    /**
     * AMQP 1.0 queues through Qpid JMS, with the STOMP queue scenarios' terms: each producer keeps up to 100 sends
     * awaiting the broker's disposition; persistent runs use CLIENT_ACKNOWLEDGE every 100 messages, the others
     * pre-settled consumers; prefetch (link credit) 1000.
     */
    private static Scenario amqp(String name, int clients, boolean persistent) {
        LoadSpec spec = spec(Protocol.AMQP, clients, clients, DestinationKind.QUEUE, persistent);
        return new Scenario(name, clients + " producer(s) -> 1 queue -> " + clients + " consumer(s)"
                + (persistent ? ", durable messages, client acks every 100" : ", pre-settled consumers"), spec);
    }

    /**
     * AMQP 0-9-1 queues through the RabbitMQ Java client, with the same terms: each producer keeps up to 100
     * publishes awaiting the broker's publisher confirm; persistent runs (delivery mode 2 into a durable queue)
     * ack cumulatively every 100 messages, the others consume with no-ack; basic.qos prefetch 1000.
     */
    private static Scenario amqp091(String name, int clients, boolean persistent) {
        LoadSpec spec = spec(Protocol.AMQP091, clients, clients, DestinationKind.QUEUE, persistent);
        return new Scenario(name, clients + " producer(s) -> 1 queue -> " + clients + " consumer(s)"
                + (persistent ? ", persistent messages, client acks every 100" : ", no-ack consumers"), spec);
    }

    /**
     * OpenWire queues through the ActiveMQ JMS client, in the same terms as the AMQP 1.0 ones: up to 100 sends per
     * producer awaiting their confirmation; persistent runs use CLIENT_ACKNOWLEDGE every 100 messages, the others
     * AUTO_ACKNOWLEDGE; prefetch 1000.
     */
    private static Scenario openwire(String name, int clients, boolean persistent) {
        LoadSpec spec = spec(Protocol.OPENWIRE, clients, clients, DestinationKind.QUEUE, persistent);
        return new Scenario(name, clients + " producer(s) -> 1 queue -> " + clients + " consumer(s)"
                + (persistent ? ", durable messages, client acks every 100" : ", auto-acknowledging consumers"), spec);
    }

    private static LoadSpec spec(int producers, int consumers, DestinationKind kind, boolean persistent) {
        return spec(Protocol.STOMP, producers, consumers, kind, persistent);
    }

    private static LoadSpec spec(Protocol protocol, int producers, int consumers, DestinationKind kind,
                                 boolean persistent) {
        return new LoadSpec(protocol, producers, consumers, 1, kind, "bench", 1024, persistent,
                persistent ? AckMode.CLIENT : AckMode.AUTO, 100, 1000, 100, 0,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(15));
    }
}
