package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * MQTT 5 through Paho: publishes at QoS 1 to the topic key's levels, with content type, user properties and
 * message expiry interval; listens through a persistent session (so a reconnect, even to a restarted
 * broker, resumes it) subscribed at QoS 1 with manual acknowledgements. MQTT has no priority; the DUP flag of
 * a redelivery is not visible through this client.
 */
public final class Mqtt5Endpoint implements ProtocolEndpoint {

    private final MatrixBroker broker;
    private final MqttAsyncClient sender;

    public Mqtt5Endpoint(MatrixBroker broker) throws MqttException {
        this.broker = broker;
        this.sender = connect(broker, "matrix-sender-" + System.nanoTime(), true, null);
    }

    @Override
    public String name() {
        return "MQTT 5";
    }

    @Override
    public Capabilities capabilities() {
        // Paho's MQTT 5 client (1.2.5) drops the DUP bit of a received PUBLISH (MqttPublish never sets it on the
        // message), so the redelivered flag cannot be seen here; the broker's DUP is checked by the MQTT 3.1.1 cells.
        return Capabilities.both(EnumSet.of(Feature.BINARY_BODY, Feature.TEXT_MARK, Feature.CONTENT_TYPE, Feature.PROPERTIES,
                Feature.EXPIRY));
    }

    /** MQTT reads topics only. */
    @Override
    public Destination.Route listensOn() {
        return Destination.Route.TOPIC;
    }

    @Override
    public void send(Destination d, TestMessage m) throws Exception {
        MqttProperties p = new MqttProperties();
        if (m.contentType() != null) {
            p.setContentType(m.contentType());
        }
        List<UserProperty> user = new ArrayList<>();
        m.properties().forEach((k, v) -> user.add(new UserProperty(k, v)));
        p.setUserProperties(user);
        if (m.ttlMillis() != null) {
            p.setMessageExpiryInterval(m.ttlMillis() / 1000);
        }
        if (m.text()) {
            p.setPayloadFormat(true);
        }
        sender.publish(d.mqttTopic(), new MqttMessage(m.body(), 1, false, p)).waitForCompletion(20_000);
    }

    @Override
    public Inbox listen(Destination d) throws Exception {
        return new MqttInbox(d);
    }

    @Override
    public void close() throws MqttException {
        disconnect(sender);
    }

    private static MqttAsyncClient connect(MatrixBroker broker, String clientId, boolean cleanStart,
                                           MqttCallback callback) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + broker.mixedPort(), clientId, new MemoryPersistence());
        if (callback != null) {
            c.setCallback(callback);
            c.setManualAcks(true);
        }
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setUserName(MatrixBroker.USER);
        o.setPassword(MatrixBroker.PASSWORD.getBytes(StandardCharsets.UTF_8));
        o.setAutomaticReconnect(false);
        o.setCleanStart(cleanStart);
        o.setSessionExpiryInterval(cleanStart ? 0L : 3600L);
        c.connect(o).waitForCompletion(20_000);
        return c;
    }

    private static void disconnect(MqttAsyncClient c) throws MqttException {
        if (c.isConnected()) {
            c.disconnect(0).waitForCompletion(20_000); // no quiesce: unacknowledged messages stay with the broker
        }
        c.close(true);
    }

    private final class MqttInbox implements Inbox, MqttCallback {
        private final Destination destination;
        private final String clientId;
        private final BlockingQueue<MqttMessage> arrived = new LinkedBlockingQueue<>();
        private MqttAsyncClient client;

        MqttInbox(Destination d) throws MqttException {
            this.destination = d;
            this.clientId = "mx5-" + Integer.toHexString(d.queue().hashCode());
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

        /** The session outlives the connection: the broker sends unacknowledged messages again, with DUP set. */
        @Override
        public void abandon() throws Exception {
            disconnect(client);
            connectAndSubscribe();
        }

        @Override
        public void close() throws MqttException {
            disconnect(client);
        }

        private ReceivedMessage toReceived(MqttMessage m) {
            MqttProperties p = m.getProperties();
            Map<String, String> props = new LinkedHashMap<>();
            String contentType = null;
            Long expiresAt = null;
            boolean text = false;
            if (p != null) {
                text = p.getPayloadFormat();
                p.getUserProperties().forEach(u -> props.put(u.getKey(), u.getValue()));
                contentType = p.getContentType();
                if (p.getMessageExpiryInterval() != null) {
                    expiresAt = System.currentTimeMillis() + p.getMessageExpiryInterval() * 1000;
                }
            }
            return new ReceivedMessage(m.getPayload(), contentType, props, null, expiresAt, m.isDuplicate(), text);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrived.add(message);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
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
