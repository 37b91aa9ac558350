package io.ferrymq.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * A blocking MQTT client for wire-level tests (packet ids, DUP flags, PUBREL resends, reason codes,
 * malformed input) that no ordinary client library lets a test control. It uses Netty's MQTT codec
 * for framing and raw bytes for what a codec would refuse to write.
 */
final class RawMqttClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 15_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel codec = new EmbeddedChannel(new MqttDecoder(64 * 1024 * 1024), MqttEncoder.INSTANCE);
    private final ArrayDeque<MqttMessage> received = new ArrayDeque<>();
    private int keepAliveSeconds = 60;

    RawMqttClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and returns the CONNACK. */
    MqttConnAckMessage connect(MqttVersion version, String clientId, boolean cleanStart, MqttProperties props)
            throws IOException {
        return connect(version, clientId, cleanStart, props, "guest", "guest");
    }

    MqttConnAckMessage connect(MqttVersion version, String clientId, boolean cleanStart, MqttProperties props,
                               String username, String password) throws IOException {
        MqttMessageBuilders.ConnectBuilder b = MqttMessageBuilders.connect()
                .protocolVersion(version)
                .clientId(clientId)
                .cleanSession(cleanStart)
                .keepAlive(keepAliveSeconds)
                .properties(props == null ? MqttProperties.NO_PROPERTIES : props);
        if (username != null) {
            b.username(username);
        }
        if (password != null) {
            b.password(password.getBytes(StandardCharsets.UTF_8));
        }
        MqttConnectMessage connect = b.build();
        send(connect);
        return (MqttConnAckMessage) expect(MqttMessageType.CONNACK);
    }

    RawMqttClient keepAlive(int seconds) {
        keepAliveSeconds = seconds;
        return this;
    }

    void send(MqttMessage m) throws IOException {
        codec.writeOutbound(m);
        ByteBuf b;
        while ((b = codec.readOutbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.write(bytes);
        }
        out.flush();
    }

    /** After a CONNECT sent as raw bytes: decode the broker's packets as this version. */
    RawMqttClient assumeVersion(MqttVersion v) {
        codec.attr(AttributeKey.<MqttVersion>valueOf("NETTY_CODEC_MQTT_VERSION")).set(v);
        return this;
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void publish(String topic, int qos, int packetId, boolean dup, String payload, MqttProperties props)
            throws IOException {
        send(new MqttPublishMessage(new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), false, 0),
                new MqttPublishVariableHeader(topic, packetId, props == null ? MqttProperties.NO_PROPERTIES : props),
                Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)));
    }

    void subscribe(int packetId, String filter, int qos) throws IOException {
        send(MqttMessageBuilders.subscribe().messageId(packetId)
                .addSubscription(filter, new MqttSubscriptionOption(MqttQoS.valueOf(qos), false, false,
                        MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
                .build());
    }

    void reply(MqttMessageType type, int packetId) throws IOException {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        send(new MqttMessage(new MqttFixedHeader(type, false, qos, false, 0),
                MqttMessageIdVariableHeader.from(packetId)));
    }

    void ping() throws IOException {
        send(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0)));
    }

    /** The next packet from the broker; fails on timeout or when the broker closes the connection. */
    MqttMessage receive() throws IOException {
        MqttMessage m = next(TIMEOUT_MILLIS);
        if (m == null) {
            throw new AssertionError("the broker closed the connection instead of sending a packet");
        }
        return m;
    }

    MqttMessage expect(MqttMessageType type) throws IOException {
        MqttMessage m = receive();
        if (m.fixedHeader().messageType() != type) {
            throw new AssertionError("expected " + type + " but got " + m);
        }
        return m;
    }

    /** Waits for the broker to close the connection and returns what it sent before (null for nothing). */
    MqttMessage expectClose() throws IOException {
        MqttMessage last = null;
        MqttMessage m;
        while ((m = next(TIMEOUT_MILLIS)) != null) {
            last = m;
        }
        return last;
    }

    private MqttMessage next(int timeoutMillis) throws IOException {
        byte[] buf = new byte[8192];
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (received.isEmpty()) {
            MqttMessage decoded = codec.readInbound();
            if (decoded != null) {
                if (decoded.decoderResult().isFailure()) {
                    throw new AssertionError("undecodable packet from the broker", decoded.decoderResult().cause());
                }
                received.add(decoded);
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no packet from the broker within " + timeoutMillis + " ms");
            }
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no packet from the broker within " + timeoutMillis + " ms");
            } catch (IOException e) {
                return null; // connection reset
            }
            if (n < 0) {
                return null;
            }
            codec.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
        }
        return received.poll();
    }

    static int packetId(MqttMessage m) {
        if (m instanceof MqttPublishMessage p) {
            return p.variableHeader().packetId();
        }
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    static int reasonCode(MqttMessage m) {
        Object h = m.variableHeader();
        if (h instanceof MqttPubReplyMessageVariableHeader r) {
            return r.reasonCode() & 0xff;
        }
        if (h instanceof MqttReasonCodeAndPropertiesVariableHeader r) {
            return r.reasonCode() & 0xff;
        }
        if (m instanceof MqttConnAckMessage c) {
            return c.variableHeader().connectReturnCode().byteValue() & 0xff;
        }
        return 0;
    }

    static String payload(MqttPublishMessage p) {
        return p.payload().toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        MqttMessage m;
        while ((m = received.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        codec.finishAndReleaseAll();
    }
}
