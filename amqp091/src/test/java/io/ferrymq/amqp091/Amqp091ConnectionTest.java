package io.ferrymq.amqp091;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The handshake (start, tune, open), SASL, virtual hosts, heartbeats and framing errors, with the RabbitMQ client. */
class Amqp091ConnectionTest {

    private static EmbeddedAmqp091Broker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedAmqp091Broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theServerAnnouncesItselfAndTheCapabilitiesRabbitMqClientsLookFor() throws Exception {
        try (Connection c = broker.factory().newConnection()) {
            Map<String, Object> props = c.getServerProperties();
            assertThat(props.get("product").toString()).isEqualTo("FerryMQ");
            @SuppressWarnings("unchecked")
            Map<String, Object> caps = (Map<String, Object>) props.get("capabilities");
            assertThat(caps).containsEntry("publisher_confirms", true)
                    .containsEntry("exchange_exchange_bindings", true)
                    .containsEntry("basic.nack", true)
                    .containsEntry("consumer_cancel_notify", true)
                    .containsEntry("connection.blocked", true)
                    .containsEntry("per_consumer_qos", true)
                    .containsEntry("authentication_failure_close", true);
            assertThat(c.isOpen()).isTrue();
        }
    }

    @Test
    void frameMaxAndChannelMaxAreNegotiatedDownToWhatTheClientAsks() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedFrameMax(8192);
        f.setRequestedChannelMax(5);
        try (Connection c = f.newConnection()) {
            assertThat(c.getFrameMax()).isEqualTo(8192);
            assertThat(c.getChannelMax()).isEqualTo(5);
            // A message much larger than a frame crosses in several body frames, both ways.
            Channel ch = c.createChannel();
            String q = ch.queueDeclare().getQueue();
            byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            ch.basicPublish("", q, null, big);
            GetResponse r = await().atMost(Duration.ofSeconds(10)).until(() -> ch.basicGet(q, true), x -> x != null);
            assertThat(r.getBody()).isEqualTo(big);
        }
    }

    @Test
    void theServerOffersItsOwnLimitsWhenTheClientLeavesThemOpen() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedFrameMax(0);
        f.setRequestedChannelMax(0);
        try (Connection c = f.newConnection()) {
            assertThat(c.getFrameMax()).isEqualTo(Amqp091Settings.defaults().frameMax());
            assertThat(c.getChannelMax()).isEqualTo(Amqp091Settings.defaults().channelMax());
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAccessRefused() {
        ConnectionFactory f = broker.factory();
        f.setPassword("wrong");
        assertThatThrownBy(f::newConnection).satisfies(e -> assertThat(describe(e))
                .contains("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN"));
    }

    @Test
    void anUnknownVirtualHostIsNotAllowed() {
        ConnectionFactory f = broker.factory();
        f.setVirtualHost("nowhere");
        assertThatThrownBy(f::newConnection).satisfies(e -> assertThat(describe(e))
                .contains("530").contains("NOT_ALLOWED - vhost nowhere not found"));
    }

    @Test
    void anotherVirtualHostOfTheBrokerCanBeOpened() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setVirtualHost("other");
        try (Connection c = f.newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare("in-other", false, false, true, null);
        }
    }

    @Test
    void amqplainAuthenticatesAgainstTheBrokersUsers() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setUsername("admin");
        f.setPassword("secret");
        f.setSaslConfig(amqplain());
        try (Connection c = f.newConnection()) {
            assertThat(c.isOpen()).isTrue();
        }
        f.setPassword("bad");
        assertThatThrownBy(f::newConnection).satisfies(e -> assertThat(describe(e)).contains("ACCESS_REFUSED"));
    }

    @Test
    void heartbeatsKeepAnIdleConnectionOpen() throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedHeartbeat(1);
        try (Connection c = f.newConnection()) {
            assertThat(c.getHeartbeat()).isEqualTo(1);
            await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10)).until(c::isOpen);
        }
    }

    @Test
    void aClientThatMissesItsHeartbeatsIsDisconnected() throws Exception {
        try (Socket s = handshake(10, 1)) {
            // Silent from now on: after two missed one-second intervals the broker closes the socket.
            InputStream in = s.getInputStream();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                int b = in.read();
                if (b == -1) {
                    return true;
                }
                in.skip(in.available());
                return false;
            });
        }
    }

    @Test
    void aChannelAboveChannelMaxClosesTheConnectionWithNotAllowed() throws Exception {
        try (Socket s = handshake(3)) {
            OutputStream out = s.getOutputStream();
            out.write(methodFrame(4, 20, 10, new byte[] {0}));
            out.flush();
            Reply close = readMethod(s.getInputStream());
            assertThat(close.classId()).isEqualTo(10);
            assertThat(close.methodId()).isEqualTo(50);
            assertThat(close.code()).isEqualTo(530);
        }
    }

    @Test
    void aBadFrameEndClosesTheConnectionWithFrameError() throws Exception {
        try (Socket s = handshake(10)) {
            byte[] frame = methodFrame(1, 20, 10, new byte[] {0});
            frame[frame.length - 1] = 0x00;
            s.getOutputStream().write(frame);
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(501);
            assertThat(close.text()).startsWith("FRAME_ERROR - frame-end octet");
        }
    }

    @Test
    void aFrameLargerThanTheNegotiatedFrameMaxIsAFrameError() throws Exception {
        try (Socket s = handshake(10)) {
            // frame-max was tuned to 4096: a 5000-byte body frame on channel 1 is too large
            s.getOutputStream().write(frame(3, 1, new byte[5000]));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(501);
            assertThat(close.text()).contains("larger than the negotiated frame-max of 4096");
        }
    }

    @Test
    void openBeforeTuneOkIsOutOfOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
            assertThat(readMethod(s.getInputStream()).methodId()).isEqualTo(10);
            ByteArrayOutputStream open = new ByteArrayOutputStream();
            shortStr(open, "/");
            shortStr(open, "");
            open.write(0);
            out.write(methodFrame(0, 10, 40, open.toByteArray()));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(503);
            assertThat(close.text()).contains("out of order");
        }
    }

    @Test
    void anUnknownMethodClosesTheConnectionWithCommandInvalid() throws Exception {
        try (Socket s = handshake(10)) {
            s.getOutputStream().write(methodFrame(1, 77, 1, new byte[0]));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(503);
        }
    }

    @Test
    void aMethodOnAChannelThatIsNotOpenIsAChannelError() throws Exception {
        try (Socket s = handshake(10)) {
            // basic.qos on channel 2, never opened
            s.getOutputStream().write(methodFrame(2, 60, 10, new byte[] {0, 0, 0, 0, 0, 1, 0}));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(504);
        }
    }

    @Test
    void contentWithoutAPublishIsAnUnexpectedFrame() throws Exception {
        try (Socket s = handshake(10)) {
            OutputStream out = s.getOutputStream();
            out.write(methodFrame(1, 20, 10, new byte[] {0}));
            Reply openOk = readMethod(s.getInputStream());
            assertThat(openOk.methodId()).isEqualTo(11);
            out.write(frame(3, 1, "body".getBytes(StandardCharsets.US_ASCII)));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(505);
        }
    }

    @Test
    void reusingAConsumerTagOnAChannelIsNotAllowed() throws Exception {
        try (Socket s = handshake(10)) {
            OutputStream out = s.getOutputStream();
            out.write(methodFrame(1, 20, 10, new byte[] {0}));
            assertThat(readMethod(s.getInputStream()).methodId()).isEqualTo(11);
            ByteArrayOutputStream declare = new ByteArrayOutputStream();
            declare.writeBytes(new byte[] {0, 0});
            shortStr(declare, "raw-consumed");
            declare.write(0x10 | 0x08); // auto-delete, no-wait
            declare.writeBytes(new byte[] {0, 0, 0, 0});
            out.write(methodFrame(1, 50, 10, declare.toByteArray()));
            ByteArrayOutputStream consume = new ByteArrayOutputStream();
            consume.writeBytes(new byte[] {0, 0});
            shortStr(consume, "raw-consumed");
            shortStr(consume, "same");
            consume.write(0x02 | 0x08); // no-ack, no-wait
            consume.writeBytes(new byte[] {0, 0, 0, 0});
            out.write(methodFrame(1, 60, 20, consume.toByteArray()));
            out.write(methodFrame(1, 60, 20, consume.toByteArray()));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.classId()).isEqualTo(10);
            assertThat(close.code()).isEqualTo(530);
            assertThat(close.text()).isEqualTo("NOT_ALLOWED - attempt to reuse consumer tag 'same'");
        }
    }

    @Test
    void channelFlowOffIsNotImplementedAndFlowOnIsConfirmed() throws Exception {
        try (Socket s = handshake(10)) {
            OutputStream out = s.getOutputStream();
            out.write(methodFrame(1, 20, 10, new byte[] {0}));
            assertThat(readMethod(s.getInputStream()).methodId()).isEqualTo(11);
            out.write(methodFrame(1, 20, 20, new byte[] {1}));
            assertThat(readMethod(s.getInputStream()).methodId()).isEqualTo(21);
            out.write(methodFrame(1, 20, 20, new byte[] {0}));
            Reply close = readMethod(s.getInputStream());
            assertThat(close.code()).isEqualTo(540);
        }
    }

    @Test
    void anotherProtocolVersionGetsThe091HeaderBackAndIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port)) {
            s.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 10});
            byte[] header = s.getInputStream().readNBytes(8);
            assertThat(header).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    // ------------------------------------------------------------------ raw helpers

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append(" | ");
            if (t instanceof ShutdownSignalException sse) {
                sb.append(sse.getReason()).append(" | ");
            }
        }
        return sb.toString();
    }

    private static SaslConfig amqplain() {
        return mechanisms -> new SaslMechanism() {
            @Override
            public String getName() {
                return "AMQPLAIN";
            }

            @Override
            public LongString handleChallenge(LongString challenge, String username, String password) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                field(b, "LOGIN", username);
                field(b, "PASSWORD", password);
                return LongStringHelper.asLongString(b.toByteArray());
            }
        };
    }

    private static void field(ByteArrayOutputStream b, String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        b.write(n.length);
        b.writeBytes(n);
        b.write('S');
        b.write(v.length >>> 24);
        b.write(v.length >>> 16);
        b.write(v.length >>> 8);
        b.write(v.length);
        b.writeBytes(v);
    }

    /** A raw connection through start, tune (with this channel-max) and open of vhost "/". */
    private static Socket handshake(int channelMax) throws Exception {
        return handshake(channelMax, 0);
    }

    private static Socket handshake(int channelMax, int heartbeat) throws Exception {
        Socket s = new Socket("127.0.0.1", broker.port);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
        assertThat(readMethod(in).methodId()).isEqualTo(10); // start
        ByteArrayOutputStream startOk = new ByteArrayOutputStream();
        startOk.writeBytes(new byte[] {0, 0, 0, 0}); // empty client properties
        shortStr(startOk, "PLAIN");
        byte[] resp = "\0guest\0guest".getBytes(StandardCharsets.UTF_8);
        startOk.writeBytes(new byte[] {0, 0, 0, (byte) resp.length});
        startOk.writeBytes(resp);
        shortStr(startOk, "en_US");
        out.write(methodFrame(0, 10, 11, startOk.toByteArray()));
        assertThat(readMethod(in).methodId()).isEqualTo(30); // tune
        out.write(methodFrame(0, 10, 31, new byte[] {0, (byte) channelMax, 0, 0, 0x10, 0, 0, (byte) heartbeat}));
        ByteArrayOutputStream open = new ByteArrayOutputStream();
        shortStr(open, "/");
        shortStr(open, "");
        open.write(0);
        out.write(methodFrame(0, 10, 40, open.toByteArray()));
        assertThat(readMethod(in).methodId()).isEqualTo(41); // open-ok
        return s;
    }

    private static void shortStr(ByteArrayOutputStream b, String s) {
        byte[] x = s.getBytes(StandardCharsets.UTF_8);
        b.write(x.length);
        b.writeBytes(x);
    }

    static byte[] methodFrame(int channel, int classId, int methodId, byte[] args) {
        byte[] payload = new byte[4 + args.length];
        payload[0] = (byte) (classId >> 8);
        payload[1] = (byte) classId;
        payload[2] = (byte) (methodId >> 8);
        payload[3] = (byte) methodId;
        System.arraycopy(args, 0, payload, 4, args.length);
        return frame(1, channel, payload);
    }

    static byte[] frame(int type, int channel, byte[] payload) {
        byte[] f = new byte[8 + payload.length];
        f[0] = (byte) type;
        f[1] = (byte) (channel >> 8);
        f[2] = (byte) channel;
        f[3] = (byte) (payload.length >>> 24);
        f[4] = (byte) (payload.length >>> 16);
        f[5] = (byte) (payload.length >>> 8);
        f[6] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 7, payload.length);
        f[f.length - 1] = (byte) 0xCE;
        return f;
    }

    record Reply(int classId, int methodId, int code, String text) { }

    /** Reads method frames until one arrives; for a close, its reply code and text. */
    static Reply readMethod(InputStream raw) throws Exception {
        DataInputStream in = new DataInputStream(raw);
        while (true) {
            int type = in.readUnsignedByte();
            in.readUnsignedShort();
            int size = in.readInt();
            byte[] payload = in.readNBytes(size);
            in.readUnsignedByte();
            if (type != 1) {
                continue;
            }
            int classId = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            int methodId = ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
            if (methodId == 50 || methodId == 40 && classId == 20) {
                int code = ((payload[4] & 0xff) << 8) | (payload[5] & 0xff);
                int len = payload[6] & 0xff;
                return new Reply(classId, methodId, code, new String(payload, 7, len, StandardCharsets.UTF_8));
            }
            return new Reply(classId, methodId, 0, "");
        }
    }
}
