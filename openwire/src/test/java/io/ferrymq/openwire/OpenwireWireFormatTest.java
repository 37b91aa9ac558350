package io.ferrymq.openwire;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.KeepAliveInfo;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WireFormatInfo from the broker's side: what it offers, keep-alives within the negotiated max inactivity
 * duration, and the end of connections that stay silent, send too much, or do not start with WireFormatInfo.
 */
class OpenwireWireFormatTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start(List.of(), s -> s.withMaxFrameSize(64 * 1024));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theBrokerOffersItsWireFormatFirst() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(10_000);
            OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
            write(socket.getOutputStream(), format, clientInfo(30_000));
            Object first = read(socket.getInputStream(), format);
            assertThat(first).isInstanceOf(WireFormatInfo.class);
            WireFormatInfo offered = (WireFormatInfo) first;
            assertThat(offered.isValid()).isTrue();
            assertThat(offered.getVersion()).isEqualTo(12);
            assertThat(offered.isStackTraceEnabled()).isFalse();
            assertThat(offered.isSizePrefixDisabled()).isFalse();
            assertThat(offered.getMaxFrameSize()).isEqualTo(64 * 1024);
            assertThat(offered.getMaxInactivityDuration()).isEqualTo(30_000);
        }
    }

    @Test
    void anIdleClientKeepsItsConnectionThroughKeepAlives() throws Exception {
        List<JMSException> failures = new CopyOnWriteArrayList<>();
        try (Connection c = broker.factory("?wireFormat.maxInactivityDuration=600"
                + "&wireFormat.maxInactivityDurationInitalDelay=500").createConnection()) {
            c.setExceptionListener(failures::add);
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // Several inactivity intervals with nothing to say: both sides keep the connection alive.
            await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(10)).until(failures::isEmpty);
            MessageProducer p = s.createProducer(s.createQueue("idle.q"));
            p.send(s.createTextMessage("still here"));
            assertThat(((TextMessage) s.createConsumer(s.createQueue("idle.q")).receive(10_000)).getText())
                    .isEqualTo("still here");
        }
    }

    @Test
    void theBrokerSendsKeepAlivesAndClosesASilentClient() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(20_000);
            OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
            write(socket.getOutputStream(), format, clientInfo(600));
            assertThat(read(socket.getInputStream(), format)).isInstanceOf(WireFormatInfo.class);
            format.renegotiateWireFormat(brokerView(format));
            boolean keptAlive = false;
            try {
                while (true) {
                    Object o = read(socket.getInputStream(), format);
                    keptAlive |= o instanceof KeepAliveInfo;
                }
            } catch (EOFException closed) {
                // the broker closed the connection after the client's silence
            }
            assertThat(keptAlive).as("keep-alive before the close").isTrue();
        }
    }

    @Test
    void aCommandOverTheMaxFrameSizeClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(10_000);
            OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
            write(socket.getOutputStream(), format, clientInfo(0));
            assertThat(read(socket.getInputStream(), format)).isInstanceOf(WireFormatInfo.class);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0, 16, 0, 0, 3}); // one MiB announced, type ConnectionInfo
            out.flush();
            assertThat(readUntilClosed(socket.getInputStream())).isTrue();
        }
        assertBrokerStillServes();
    }

    @Test
    void aConnectionThatDoesNotStartWithWireFormatInfoIsClosed() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(10_000);
            OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
            ConnectionInfo info = new ConnectionInfo(new ConnectionId("too-early"));
            info.setCommandId(1);
            info.setResponseRequired(true);
            write(socket.getOutputStream(), format, info);
            assertThat(readUntilClosed(socket.getInputStream())).isTrue();
        }
        assertBrokerStillServes();
    }

    @Test
    void aFrameThatIsNoOpenwireCommandClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(10_000);
            OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
            write(socket.getOutputStream(), format, clientInfo(0));
            assertThat(read(socket.getInputStream(), format)).isInstanceOf(WireFormatInfo.class);
            socket.getOutputStream().write(new byte[] {0, 0, 0, 3, 99, 1, 2}); // command type 99 does not exist
            socket.getOutputStream().flush();
            assertThat(readUntilClosed(socket.getInputStream())).isTrue();
        }
        assertBrokerStillServes();
    }

    @Test
    void aConnectionInfoFromARawClientIsAnswered() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port)) {
            socket.setSoTimeout(10_000);
            OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
            WireFormatInfo mine = clientInfo(0);
            write(socket.getOutputStream(), format, mine);
            WireFormatInfo theirs = (WireFormatInfo) read(socket.getInputStream(), format);
            format.setPreferedWireFormatInfo(mine);
            format.renegotiateWireFormat(theirs);
            ConnectionInfo info = new ConnectionInfo(new ConnectionId("raw-1"));
            info.setUserName("admin");
            info.setPassword("secret");
            info.setClientId("raw");
            info.setCommandId(1);
            info.setResponseRequired(true);
            write(socket.getOutputStream(), format, info);
            Object response = read(socket.getInputStream(), format);
            assertThat(response).isInstanceOf(org.apache.activemq.command.Response.class);
            assertThat(((org.apache.activemq.command.Response) response).getCorrelationId()).isEqualTo(1);
            assertThat(response).isNotInstanceOf(org.apache.activemq.command.ExceptionResponse.class);
        }
    }

    private static void assertBrokerStillServes() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            c.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
        }
    }

    private static WireFormatInfo clientInfo(long maxInactivity) throws IOException {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(OpenwireCodec.MAX_VERSION);
        info.setCacheEnabled(false);
        info.setTightEncodingEnabled(false);
        info.setSizePrefixDisabled(false);
        info.setStackTraceEnabled(false);
        info.setMaxInactivityDuration(maxInactivity);
        info.setMaxInactivityDurationInitalDelay(0);
        info.setMaxFrameSize(OpenWireFormat.DEFAULT_MAX_FRAME_SIZE);
        return info;
    }

    private static WireFormatInfo brokerView(OpenWireFormat format) throws IOException {
        WireFormatInfo info = clientInfo(600);
        format.setPreferedWireFormatInfo(info);
        return info;
    }

    private static void write(OutputStream out, OpenWireFormat format, Object command) throws IOException {
        ByteSequence bytes = format.marshal(command);
        out.write(bytes.getData(), bytes.getOffset(), bytes.getLength());
        out.flush();
    }

    private static Object read(InputStream in, OpenWireFormat format) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int size = data.readInt();
        byte[] frame = new byte[size + 4];
        frame[0] = (byte) (size >>> 24);
        frame[1] = (byte) (size >>> 16);
        frame[2] = (byte) (size >>> 8);
        frame[3] = (byte) size;
        data.readFully(frame, 4, size);
        return format.unmarshal(new ByteSequence(frame));
    }

    /** Reads whatever the broker still sends until it closes the connection; false if it does not. */
    private static boolean readUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        }
    }
}
