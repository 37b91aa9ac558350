package io.ferrymq.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that breaks the WebSocket framing rules (RFC 6455) gets the close status that names the fault, the
 * broker logs one line without a stack trace, and other clients carry on.
 */
class WebSocketFramingErrorsTest {

    private NettyServer server;
    private int port;
    private CapturedLog log;

    @BeforeEach
    void start() {
        log = CapturedLog.capture();
        server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA")));
        port = server.bind(ListenerConfig.websocket("ws", "127.0.0.1", 0, "alpha")).getPort();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
        log.close();
    }

    @Test
    void anInvalidCloseCodeIsAnsweredWithProtocolError() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port, "alpha.v1")) {
            ws.sendClose(999);
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(close.text()).contains("999");
            assertThat(ws.closedByPeer()).isTrue();
        }
        assertLoggedOnceWithoutStackTrace("999");
        assertOtherClientsCarryOn();
    }

    @Test
    void anUnmaskedClientFrameIsAnsweredWithProtocolError() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port, "alpha.v1")) {
            ws.send(0x81, "ALPHA hi\n".getBytes(StandardCharsets.UTF_8), false);
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1002);
            assertThat(ws.closedByPeer()).isTrue();
        }
        assertLoggedOnceWithoutStackTrace("masked");
        assertOtherClientsCarryOn();
    }

    @Test
    void textThatIsNotUtf8IsAnsweredWithInvalidPayload() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port, "alpha.v1")) {
            ws.send(0x81, new byte[] {'A', (byte) 0xC3, (byte) 0x28}, true);
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(ws.closedByPeer()).isTrue();
        }
        assertThat(log.withStackTraces()).isEmpty();
        assertOtherClientsCarryOn();
    }

    private void assertLoggedOnceWithoutStackTrace(String text) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines("Closing WebSocket").isEmpty());
        assertThat(log.lines("Closing WebSocket")).hasSize(1).allSatisfy(e ->
                assertThat(e.getMessage().getFormattedMessage()).containsIgnoringCase(text));
        assertThat(log.withStackTraces()).isEmpty();
    }

    private void assertOtherClientsCarryOn() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port, "alpha.v1")) {
            ws.sendText("ALPHA still here\n");
            assertThat(ws.read().text()).isEqualTo("alpha[ws]:ALPHA still here\n");
        }
    }
}
