package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * MQTT 3.1.1 through Paho: a body and a topic, nothing else (no properties, content type, priority or
 * expiry); QoS 1, a persistent session ({@code cleanSession=false}) and the DUP flag on redelivery.
 */
public final class Mqtt311Endpoint implements ProtocolEndpoint {

    private final MatrixBroker broker;
    private final MqttAsyncClient sender;

    public Mqtt311Endpoint(MatrixBroker broker) throws MqttException {
        this.broker = broker;
        this.sender = connect(broker, "matrix-sender3-" + System.nanoTime(), true, null);
    }

    @Override
    public String name() {
        return "MQTT 3.1.1";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.both(EnumSet.of(Feature.BINARY_BODY, Feature.REDELIVERED_FLAG));
    }

    /** MQTT reads topics only. */
    @Override
    public Destination.Route listensOn() {
        return Destination.Route.TOPIC;
    }

    @Override
    public void send(Destination d, TestMessage m) throws Exception {
        MqttMessage msg = new MqttMessage(m.body());
        msg.setQos(1);
        sender.publish(d.mqttTopic(), msg).waitForCompletion(20_000);
    }

    @Override
    public Inbox listen(Destination d) throws Exception {
        return new MqttInbox(d);
    }

    @Override
    public void close() throws MqttException {
        disconnect(sender);
    }

    private static MqttAsyncClient connect(MatrixBroker broker, String clientId, boolean cleanSession,
                                           MqttCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + broker.mixedPort(), clientId, new MemoryPersistence());
        if (callback != null) {
            c.setCallback(callback);
            c.setManualAcks(true);
        }
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(MatrixBroker.USER);
        o.setPassword(MatrixBroker.PASSWORD.toCharArray());
        o.setAutomaticReconnect(false);
        o.setCleanSession(cleanSession);
        c.connect(o).waitForCompletion(20_000);
        return c;
    }

    private static void disconnect(MqttAsyncClient c) throws MqttException {
        if (c.isConnected()) {
            c.disconnect(0).waitForCompletion(20_000); // no quiesce: unacknowledged messages stay with the broker
        }
        c.close();
    }

    private final class MqttInbox implements Inbox, MqttCallback {
        private final Destination destination;
        private final String clientId;
        private final BlockingQueue<MqttMessage> arrived = new LinkedBlockingQueue<>();
        private MqttAsyncClient client;

        MqttInbox(Destination d) throws MqttException {
            this.destination = d;
            this.clientId = "mx3-" + Integer.toHexString(d.queue().hashCode());
            connectAndSubscribe();
        }

        private void connectAndSubscribe() throws MqttException {
            client = connect(broker, clientId, false, this);
            client.subscribe(destination.mqttTopic(), 1).waitForCompletion(20_000);
        }

        @Override
        public ReceivedMessage receive(Duration timeout) throws Exception {
            MqttMessage m = arrived.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                return null;
            }
            client.messageArrivedComplete(m.getId(), m.getQos());
            return toReceived(m);
        }

        @Override
        public ReceivedMessage receiveUnsettled(Duration timeout) throws Exception {
            MqttMessage m = arrived.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return m == null ? null : toReceived(m);
        }

        @Override
        public void abandon() throws Exception {
            disconnect(client);
            connectAndSubscribe();
        }

        @Override
        public void close() throws MqttException {
            disconnect(client);
        }

        private static ReceivedMessage toReceived(MqttMessage m) {
            return new ReceivedMessage(m.getPayload(), null, Map.of(), null, null, m.isDuplicate(), false);
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrived.add(message);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }
}
