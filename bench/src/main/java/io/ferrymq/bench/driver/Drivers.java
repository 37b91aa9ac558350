package io.ferrymq.bench.driver;

import io.ferrymq.bench.driver.amqp.QpidJmsDriver;
import io.ferrymq.bench.driver.amqp091.RabbitClientDriver;
import io.ferrymq.bench.driver.mqtt.HiveMqDriver;
import io.ferrymq.bench.driver.openwire.ActiveMqDriver;
import io.ferrymq.bench.driver.stomp.SpringStompDriver;

/** Builds the driver for a protocol. */
public final class Drivers {

    private Drivers() {
    }

    public static Driver create(Protocol protocol, Endpoint endpoint, DriverErrors errors) {
        return switch (protocol) {
            case STOMP -> new SpringStompDriver(endpoint, errors);
            case MQTT -> new HiveMqDriver(endpoint, errors);
            case AMQP -> new QpidJmsDriver(endpoint, errors);
            case AMQP091 -> new RabbitClientDriver(endpoint, errors);
            case OPENWIRE -> new ActiveMqDriver(endpoint, errors);
        };
    }
}
