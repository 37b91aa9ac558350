package io.ferrymq.tests.support;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The MQTT side of the cross-protocol tests: a Paho v5 client logged in as guest, collecting what arrives. */
public final class MqttTestClient implements AutoCloseable {

    private final MqttAsyncClient client;
    private final BlockingQueue<MqttMessage> inbox = new LinkedBlockingQueue<>();

    private MqttTestClient(int port, String clientId) throws MqttException {
        client = new MqttAsyncClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        client.setCallback(new Inbox());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName("guest");
        o.setPassword("guest".getBytes(StandardCharsets.UTF_8));
        o.setAutomaticReconnect(false);
        client.connect(o).waitForCompletion(15_000);
    }

    public static MqttTestClient connect(int port, String clientId) throws MqttException {
        return new MqttTestClient(port, clientId);
    }

    public MqttAsyncClient client() {
        return client;
    }

    /** Every message delivered to this client's subscriptions, in arrival order. */
    public BlockingQueue<MqttMessage> inbox() {
        return inbox;
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(15_000);
        }
        client.close(true);
    }

    private final class Inbox implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            inbox.add(message);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
