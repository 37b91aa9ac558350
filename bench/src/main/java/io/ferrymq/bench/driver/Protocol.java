package io.ferrymq.bench.driver;

/**
 * Wire protocols the load generator can drive. Each has one {@link Driver} built on a real, independent
 * client library; MQTT (Paho / HiveMQ client), AMQP (Qpid JMS, RabbitMQ client) and SQS (AWS SDK) drivers
 * plug in here as those protocols land in the broker.
 */
public enum Protocol {
    STOMP
}
