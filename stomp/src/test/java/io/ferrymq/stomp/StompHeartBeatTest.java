package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Heart-beats both ways: the broker sends them as asked and drops a client that falls silent. */
class StompHeartBeatTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults().withMinHeartBeatMillis(100)))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    @Test
    void brokerGrantsTheClientsIntervalsAndSendsHeartBeats() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\nheart-beat:0,200\n\n\0");
            RawStompClient.Frame connected = c.read();
            assertThat(connected.header("heart-beat")).isEqualTo("200,0");
        }
        try (Socket s = new Socket("127.0.0.1", broker.port("stomp"))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\nheart-beat:0,200\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            while (in.read() != 0) {
                // skip the CONNECTED frame
            }
            int eols = 0;
            while (eols < 3) {
                int b = in.read();
                assertThat(b).as("heart-beat byte").isIn((int) '\n', (int) '\r');
                if (b == '\n') {
                    eols++;
                }
            }
        }
    }

    @Test
    void silentClientIsDisconnectedWithAnError() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\nheart-beat:300,0\n\n\0");
            assertThat(c.read().header("heart-beat")).isEqualTo("0,300");
            // The client promised a heart-beat every 300 ms and sends nothing.
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Heart-beat timeout");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void clientThatSendsHeartBeatsStaysConnected() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\nheart-beat:200,0\n\n\0");
            assertThat(c.read().command()).isEqualTo("CONNECTED");
            long end = System.currentTimeMillis() + 1500;
            while (System.currentTimeMillis() < end) {
                c.send("\n");
                Thread.sleep(100); // the client's own heart-beat cadence, not synchronisation
            }
            c.send("SUBSCRIBE\nid:0\ndestination:/queue/hb\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
        }
    }
}
