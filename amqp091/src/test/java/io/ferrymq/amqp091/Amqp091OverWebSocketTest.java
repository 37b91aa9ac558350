package io.ferrymq.amqp091;

import io.ferrymq.transport.RawWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** AMQP 0-9-1 over WebSocket (subprotocol {@code amqp091}): the same byte stream in binary frames. */
class Amqp091OverWebSocketTest {

    @Test
    void theHandshakeStartsOverWebSocket() throws Exception {
        try (EmbeddedAmqp091Broker b = EmbeddedAmqp091Broker.start();
             RawWebSocket ws = new RawWebSocket(b.wsPort, "amqp091")) {
            ws.send(0x82, new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1}, true);
            RawWebSocket.Frame f = ws.read();
            assertThat(f.opcode()).isEqualTo(2);
            byte[] p = f.payload();
            // a method frame on channel 0: connection.start (class 10, method 10), version 0-9
            assertThat(p[0]).isEqualTo((byte) 1);
            assertThat(new byte[] {p[1], p[2]}).containsExactly(0, 0);
            assertThat(new byte[] {p[7], p[8], p[9], p[10], p[11], p[12]}).containsExactly(0, 10, 0, 10, 0, 9);
        }
    }
}
