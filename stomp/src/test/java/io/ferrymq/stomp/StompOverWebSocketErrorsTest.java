package io.ferrymq.stomp;

import io.ferrymq.transport.RawWebSocket;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over WebSocket a STOMP client hears why it is disconnected: the ERROR frame comes before the WebSocket close
 * frame, whether STOMP or the WebSocket framing found the fault.
 */
class StompOverWebSocketErrorsTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    private RawWebSocket connected() throws Exception {
        RawWebSocket ws = new RawWebSocket(broker.port("ws"), "v12.stomp");
        ws.sendText("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\n\n\0");
        assertThat(ws.read().text()).startsWith("CONNECTED");
        return ws;
    }

    @Test
    void anInvalidCloseCodeGetsAnErrorFrameThenCloseCode1002() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.sendClose(999);
            assertErrorThenClose(ws, 1002);
        }
    }

    @Test
    void aMalformedWebSocketFrameGetsAnErrorFrameThenCloseCode1002() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.send(0x81, "SEND\ndestination:/queue/a\n\nunmasked\0".getBytes(StandardCharsets.UTF_8), false);
            assertErrorThenClose(ws, 1002);
        }
    }

    @Test
    void aStompErrorComesBeforeTheCloseFrame() throws Exception {
        try (RawWebSocket ws = connected()) {
            ws.sendText("FLY\n\n\0");
            RawWebSocket.Frame error = ws.read();
            assertThat(error.opcode()).isEqualTo(0x1);
            assertThat(error.text()).startsWith("ERROR").contains("unknown command");
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(ws.closedByPeer()).isTrue();
        }
    }

    private static void assertErrorThenClose(RawWebSocket ws, int code) throws Exception {
        RawWebSocket.Frame error = ws.read();
        assertThat(error.opcode()).as("the first frame after the fault").isEqualTo(0x1);
        assertThat(error.text()).startsWith("ERROR").contains("message:Malformed frame");
        RawWebSocket.Frame close = ws.read();
        assertThat(close.opcode()).isEqualTo(0x8);
        assertThat(close.closeCode()).isEqualTo(code);
        assertThat(ws.closedByPeer()).isTrue();
    }
}
