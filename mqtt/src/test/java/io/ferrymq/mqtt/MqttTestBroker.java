package io.ferrymq.mqtt;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.transport.testing.EmbeddedBroker;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A broker with MQTT on a free TCP port and a free WebSocket port (path {@code /mqtt}), in memory or on
 * a journal in a directory (then a second one started on the same directory recovers the first).
 */
final class MqttTestBroker implements AutoCloseable {

    final EmbeddedBroker embedded;
    private MqttProtocol mqtt;

    private MqttTestBroker(Path dataDir, UnaryOperator<MqttSettings> settings, UnaryOperator<Storage> storageView) {
        EmbeddedBroker.Builder b = EmbeddedBroker.builder()
                .protocol(broker -> mqtt = new MqttProtocol(broker, settings.apply(MqttSettings.defaults())))
                .tcp("mqtt", MqttProtocol.NAME)
                .websocket("ws", MqttProtocol.NAME)
                .storageView(storageView);
        if (dataDir != null) {
            b.durable(dataDir);
        }
        embedded = b.start();
    }

    static MqttTestBroker start() {
        return new MqttTestBroker(null, s -> s, s -> s);
    }

    static MqttTestBroker start(UnaryOperator<MqttSettings> settings) {
        return new MqttTestBroker(null, settings, s -> s);
    }

    static MqttTestBroker durable(Path dir) {
        return new MqttTestBroker(dir, s -> s, s -> s);
    }

    /** On a journal in {@code dir}, with {@code view} between the broker and the journal. */
    static MqttTestBroker durable(Path dir, UnaryOperator<Storage> view) {
        return new MqttTestBroker(dir, s -> s, view);
    }

    Broker broker() {
        return embedded.broker();
    }

    MqttHub hub() {
        return mqtt.hub();
    }

    int port() {
        return embedded.port("mqtt");
    }

    String uri() {
        return "tcp://127.0.0.1:" + port();
    }

    String wsUri() {
        return "ws://127.0.0.1:" + embedded.port("ws") + "/mqtt";
    }

    Queue queue(String name) {
        return broker().vhost(Broker.DEFAULT_VHOST).queue(name);
    }

    @Override
    public void close() {
        embedded.close();
        mqtt.close();
    }
}
