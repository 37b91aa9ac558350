package io.ferrymq.openwire;

import io.ferrymq.transport.RawWebSocket;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.BrokerInfo;
import org.apache.activemq.command.Command;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.ExceptionResponse;
import org.apache.activemq.command.KeepAliveInfo;
import org.apache.activemq.command.MessageDispatch;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.command.ProducerInfo;
import org.apache.activemq.command.Response;
import org.apache.activemq.command.SessionId;
import org.apache.activemq.command.SessionInfo;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenWire over WebSocket, subprotocol {@code openwire}. activemq-client's own {@code ws://} transport lives in
 * activemq-http with a Jetty WebSocket client, which does not resolve here; so this client speaks OpenWire's
 * frames, marshalled by activemq-client's {@link OpenWireFormat}, in binary WebSocket messages, as that transport
 * does, and an ordinary TCP client of the same broker sees the same queue.
 */
class OpenwireOverWebSocketTest {

    @RegisterExtension
    static final EmbeddedBrokerExtension BROKER = EmbeddedBrokerExtension.builder()
            .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
            .tcp("openwire", OpenwireProtocol.NAME)
            .websocket("ws", OpenwireProtocol.NAME)
            .build();

    @Test
    void aMessageSentOverWebSocketReachesATcpConsumerAndBack() throws Exception {
        try (OpenwireWebSocketClient ws = new OpenwireWebSocketClient(BROKER.port("ws"))) {
            ws.login();
            ProducerId producer = new ProducerId(ws.session, 1);
            ws.request(new ProducerInfo(producer));
            ActiveMQTextMessage m = new ActiveMQTextMessage();
            m.setText("over websocket");
            m.setDestination(new ActiveMQQueue("ws.q"));
            m.setProducerId(producer);
            m.setMessageId(new MessageId(producer, 1));
            m.setPersistent(true);
            ws.request(m);

            ActiveMQConnectionFactory tcp = new ActiveMQConnectionFactory("admin", "secret",
                    "tcp://127.0.0.1:" + BROKER.port("openwire"));
            try (Connection c = tcp.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TextMessage got = (TextMessage) s.createConsumer(s.createQueue("ws.q")).receive(10_000);
                assertThat(got.getText()).isEqualTo("over websocket");

                ConsumerInfo consumer = new ConsumerInfo(new ConsumerId(ws.session, 1));
                consumer.setDestination(new ActiveMQQueue("ws.back"));
                consumer.setPrefetchSize(10);
                ws.request(consumer);
                s.createProducer(s.createQueue("ws.back")).send(s.createTextMessage("from tcp"));
                MessageDispatch dispatch = ws.next(MessageDispatch.class);
                assertThat(((ActiveMQTextMessage) dispatch.getMessage()).getText()).isEqualTo("from tcp");
            }
        }
    }

    /** OpenWire commands in binary WebSocket messages. */
    private static final class OpenwireWebSocketClient implements AutoCloseable {
        private final RawWebSocket ws;
        private final OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private int nextCommandId;
        SessionId session;

        OpenwireWebSocketClient(int port) throws IOException {
            ws = new RawWebSocket(port, "openwire");
        }

        void login() throws IOException {
            WireFormatInfo mine = new WireFormatInfo();
            mine.setVersion(OpenwireCodec.MAX_VERSION);
            mine.setCacheEnabled(false);
            mine.setTightEncodingEnabled(false);
            mine.setSizePrefixDisabled(false);
            mine.setMaxInactivityDuration(0);
            mine.setMaxFrameSize(OpenWireFormat.DEFAULT_MAX_FRAME_SIZE);
            send(mine);
            WireFormatInfo theirs = next(WireFormatInfo.class);
            assertThat(theirs.isValid()).isTrue();
            format.setPreferedWireFormatInfo(mine);
            format.renegotiateWireFormat(theirs);
            ConnectionInfo info = new ConnectionInfo(new ConnectionId("ws-1"));
            info.setUserName("admin");
            info.setPassword("secret");
            info.setClientId("ws-client");
            request(info);
            session = new SessionId(info.getConnectionId(), 1);
            request(new SessionInfo(session));
        }

        /** Sends {@code c} asking for a response, and checks that it is a plain Response. */
        void request(Command c) throws IOException {
            c.setCommandId(++nextCommandId);
            c.setResponseRequired(true);
            send(c);
            Response r = next(Response.class);
            assertThat(r).as("response to %s", c.getClass().getSimpleName()).isNotInstanceOf(ExceptionResponse.class);
            assertThat(r.getCorrelationId()).isEqualTo(c.getCommandId());
        }

        void send(Object command) throws IOException {
            ByteSequence bytes = format.marshal(command);
            byte[] payload = new byte[bytes.getLength()];
            System.arraycopy(bytes.getData(), bytes.getOffset(), payload, 0, bytes.getLength());
            ws.send(0x82, payload, true);
        }

        /** The next command of type {@code type}, skipping others (BrokerInfo, keep-alives). */
        <T> T next(Class<T> type) throws IOException {
            while (true) {
                Object o = readCommand();
                if (type.isInstance(o)) {
                    return type.cast(o);
                }
                assertThat(o).as("unexpected command").isInstanceOfAny(KeepAliveInfo.class,
                        BrokerInfo.class, WireFormatInfo.class);
            }
        }

        /** One size-prefixed command, however the broker split or joined them over WebSocket messages. */
        private Object readCommand() throws IOException {
            while (true) {
                byte[] have = received.toByteArray();
                if (have.length >= 4) {
                    int size = ByteBuffer.wrap(have, 0, 4).getInt();
                    if (have.length >= 4 + size) {
                        received.reset();
                        received.write(have, 4 + size, have.length - 4 - size);
                        byte[] frame = new byte[4 + size];
                        System.arraycopy(have, 0, frame, 0, frame.length);
                        return format.unmarshal(new ByteSequence(frame));
                    }
                }
                RawWebSocket.Frame f = ws.read();
                assertThat(f.opcode()).as("a binary (or continuation) WebSocket frame").isIn(0x0, 0x2);
                received.write(f.payload());
            }
        }

        @Override
        public void close() throws IOException {
            ws.close();
        }
    }
}
