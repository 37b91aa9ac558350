package io.ferrymq.transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listeners that speak HTTP do not let stalled or idle connections pile up: a request header has a deadline,
 * a kept-alive connection an idle timeout, and one address a bounded number of connections.
 */
class HttpListenerLimitsTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    private final NettyServer server = new NettyServer(1, List.of(new HelloHttpProtocol(),
            new LineProtocol("alpha", "ALPHA")));
    private final List<RawHttpConnection> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawHttpConnection c : open) {
            c.close();
        }
        server.close(Duration.ofSeconds(2));
    }

    private int http(ListenerLimits limits) {
        return server.bind(ListenerConfig.tcp("http", "127.0.0.1", 0, "hello").withLimits(limits)).getPort();
    }

    private RawHttpConnection connect(int port) throws Exception {
        RawHttpConnection c = new RawHttpConnection(port);
        open.add(c);
        return c;
    }

    @Test
    void halfARequestHeaderIsAnswered408AndClosedAtTheHandshakeTimeout() throws Exception {
        int port = http(new ListenerLimits(Duration.ofMillis(500), LONG, null));
        RawHttpConnection c = connect(port).send("GET /slow HTTP/1.1\r\nHost: localhost\r\nX-Half: ");
        long start = System.nanoTime();
        String answer = c.readUntilClosed();
        assertThat(answer).startsWith("HTTP/1.1 408 ").contains("Connection: close");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHandshakeTimeout() throws Exception {
        int port = http(new ListenerLimits(Duration.ofMillis(500), LONG, null));
        assertThat(connect(port).readUntilClosed()).isEmpty();
    }

    @Test
    void theHeaderDeadlineStartsAgainForEachRequestOfAKeptAliveConnection() throws Exception {
        int port = http(new ListenerLimits(Duration.ofMillis(500), LONG, null));
        RawHttpConnection c = connect(port);
        c.send("GET /one HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(c.readResponse()).startsWith("HTTP/1.1 200 ").endsWith("hello /one");
        c.send("GET /two HTTP/1.1\r\nHost: localhost\r\n");
        assertThat(c.readUntilClosed()).startsWith("HTTP/1.1 408 ");
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAtTheIdleTimeout() throws Exception {
        int port = http(new ListenerLimits(LONG, Duration.ofMillis(700), null));
        RawHttpConnection c = connect(port);
        c.send("GET /one HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(c.readResponse()).startsWith("HTTP/1.1 200 ");
        assertThat(c.readUntilClosed()).isEmpty();
    }

    @Test
    void aStalledRequestBodyIsClosedAtTheIdleTimeout() throws Exception {
        int port = http(new ListenerLimits(LONG, Duration.ofMillis(700), null));
        RawHttpConnection c = connect(port);
        c.send("GET /body HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly a part");
        assertThat(c.readUntilClosed()).isEmpty();
    }

    @Test
    void connectionsBeyondThePerSourceLimitGet503WhileThoseWithinItWork() throws Exception {
        int port = http(new ListenerLimits(LONG, LONG, 3));
        connect(port);
        connect(port);
        RawHttpConnection working = connect(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() == 3);

        RawHttpConnection refused = connect(port).send("GET /more HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(refused.readUntilClosed()).startsWith("HTTP/1.1 503 ").contains("Too many connections");
        refused.close();

        working.send("GET /within HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(working.readResponse()).startsWith("HTTP/1.1 200 ").endsWith("hello /within");

        open.get(0).close();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() == 2);
        RawHttpConnection again = connect(port).send("GET /again HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(again.readResponse()).startsWith("HTTP/1.1 200 ").endsWith("hello /again");
    }

    @Test
    void otherProtocolsHaveNoPerSourceLimitByDefault() throws Exception {
        int port = server.bind(ListenerConfig.tcp("line", "127.0.0.1", 0, "alpha")
                .withLimits(new ListenerLimits(Duration.ofMillis(200), Duration.ofMillis(200), null))).getPort();
        for (int i = 0; i < 5; i++) {
            connect(port);
        }
        RawHttpConnection c = connect(port).send("ALPHA hi\n");
        assertThat(c.closedWithin(1500)).isFalse(); // neither refused nor timed out: HTTP limits only
        await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() == 6);
    }

    @Test
    void aStalledUpgradeIsAnswered408AndClosedAtTheHandshakeTimeout() throws Exception {
        int port = server.bind(ListenerConfig.websocket("ws", "127.0.0.1", 0, "alpha")
                .withLimits(new ListenerLimits(Duration.ofMillis(500), LONG, null))).getPort();
        RawHttpConnection c = connect(port).send("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n");
        assertThat(c.readUntilClosed()).startsWith("HTTP/1.1 408 ");
    }

    @Test
    void webSocketConnectionsBeyondThePerSourceLimitGet503() throws Exception {
        int port = server.bind(ListenerConfig.websocket("ws", "127.0.0.1", 0, "alpha")
                .withLimits(new ListenerLimits(LONG, LONG, 1))).getPort();
        connect(port);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.openConnections() == 1);
        assertThat(connect(port).readUntilClosed()).startsWith("HTTP/1.1 503 ");
    }
}
