package io.ferrymq.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One TCP port, several protocols, told apart by their first bytes. */
class PortUnificationTest {

    private NettyServer server;
    private int port;

    @BeforeEach
    void start() {
        server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA"), new LineProtocol("beta", "BETA")));
        port = server.bind(ListenerConfig.tcp("unified", "127.0.0.1", 0, "alpha", "beta")).getPort();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void eachConnectionReachesTheProtocolItsFirstBytesBelongTo() throws Exception {
        assertThat(exchange("ALPHA hello\n")).isEqualTo("alpha[tcp]:ALPHA hello");
        assertThat(exchange("BETA hi\n")).isEqualTo("beta[tcp]:BETA hi");
    }

    @Test
    void greetingSplitAcrossWritesIsStillRecognised() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("BE".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            out.write("TA split\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("beta[tcp]:BETA split");
        }
    }

    @Test
    void unrecognisedBytesCloseTheConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(exchange("ALPHA still fine\n")).isEqualTo("alpha[tcp]:ALPHA still fine");
    }

    @Test
    void shutdownTellsEveryConnectionBeforeClosingIt() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            s.getOutputStream().write("ALPHA x\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("alpha[tcp]:ALPHA x");
            server.close(Duration.ofSeconds(5));
            assertThat(in.readLine()).isEqualTo("alpha:bye");
            assertThat(in.readLine()).isNull();
        }
    }

    private String exchange(String line) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }
}
