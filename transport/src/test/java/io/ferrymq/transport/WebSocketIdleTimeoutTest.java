package io.ferrymq.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgraded WebSocket connection is pinged at half the listener's idle timeout; a client that answers stays,
 * one that stays silent for the whole timeout is closed.
 */
class WebSocketIdleTimeoutTest {

    private static final int PING = 0x9;
    private static final int CLOSE = 0x8;

    private NettyServer server;
    private int port;

    @BeforeEach
    void start() {
        server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA")));
        port = server.bind(ListenerConfig.websocket("ws", "127.0.0.1", 0, "alpha")
                .withLimits(new ListenerLimits(Duration.ofSeconds(30), Duration.ofMillis(1000), null))).getPort();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void aSilentClientIsPingedThenClosed() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port, "alpha.v1")) {
            assertThat(ws.read().opcode()).isEqualTo(PING);
            RawWebSocket.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(CLOSE);
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(ws.closedByPeer()).isTrue();
        }
    }

    @Test
    void aClientThatAnswersPingsStays() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(port, "alpha.v1")) {
            for (int i = 0; i < 3; i++) {
                RawWebSocket.Frame ping = ws.read();
                assertThat(ping.opcode()).isEqualTo(PING);
                ws.send(0x8A, ping.payload(), true); // pong
            }
            ws.sendText("ALPHA still open\n");
            RawWebSocket.Frame reply = ws.read();
            while (reply.opcode() == PING) {
                reply = ws.read(); // a ping may overtake the reply on a busy machine
            }
            assertThat(reply.text()).isEqualTo("alpha[ws]:ALPHA still open\n");
        }
    }
}
