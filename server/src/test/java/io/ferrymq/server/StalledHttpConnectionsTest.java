package io.ferrymq.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many HTTP connections that never finish a request header neither exhaust the broker nor stall its other
 * listeners: past the per-source limit they are refused, within it they end at the handshake timeout, and a
 * STOMP client connects meanwhile. The limits are read from broker.yaml.
 */
class StalledHttpConnectionsTest {

    private static final int STALLED = 400;
    private static final String YAML = """
            security:
              password-iterations: 1000
            listeners:
              - name: stomp
                protocols: [stomp]
                port: 0
              - name: aws
                protocols: [aws]
                port: 0
                handshake-timeout: 5s
                idle-timeout: 10s
                max-connections-per-source: 100
            """;

    @Test
    void stompConnectsWhileManyHttpConnectionsStall(@TempDir Path dir) throws Exception {
        try (FerryServer server = FerryServer.start(FerryServerTest.config(dir, YAML))) {
            int http = server.listeners().get("aws").getPort();
            int stomp = server.listeners().get("stomp").getPort();
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < STALLED; i++) {
                    Socket s = new Socket("127.0.0.1", http);
                    s.setSoTimeout(30_000);
                    s.getOutputStream().write("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Ty"
                            .getBytes(StandardCharsets.US_ASCII));
                    stalled.add(s);
                }
                assertThat(FerryServerTest.stompConnect(stomp, "guest", "guest")).startsWith("CONNECTED");

                int refused = 0;
                int timedOut = 0;
                for (Socket s : stalled) {
                    // Every one ends: refused at once over the limit, or answered 408 at the handshake timeout.
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    if (answer.startsWith("HTTP/1.1 503 ")) {
                        refused++;
                    } else {
                        assertThat(answer).startsWith("HTTP/1.1 408 ");
                        timedOut++;
                    }
                }
                // Slots freed by timeouts while the test still opened connections may admit a few more.
                assertThat(timedOut).isGreaterThanOrEqualTo(100);
                assertThat(refused).isPositive();
                assertThat(refused + timedOut).isEqualTo(STALLED);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
            try (Socket s = new Socket("127.0.0.1", http)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .startsWith("HTTP/1.1 200 ");
            }
        }
    }
}
