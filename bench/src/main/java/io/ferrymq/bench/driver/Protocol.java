package io.ferrymq.bench.driver;

/**
 * Wire protocols the load generator can drive. Each has one {@link Driver} built on a real, independent
 * client library: STOMP through Spring's STOMP client, MQTT 3.1.1 through the HiveMQ MQTT client, AMQP 1.0
 * through Qpid JMS, AMQP 0-9-1 through the RabbitMQ Java client, OpenWire through the ActiveMQ JMS client. SQS has
 * its own command ({@code ferrymq-bench sqs}), its API being request/response.
 */
public enum Protocol {
    STOMP(61613),
    MQTT(1883),
    AMQP(5672),
    AMQP091(5672),
    OPENWIRE(61616);

    private final int defaultPort;

    Protocol(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The protocol's usual port, used when none is given. */
    public int defaultPort() {
        return defaultPort;
    }
}
