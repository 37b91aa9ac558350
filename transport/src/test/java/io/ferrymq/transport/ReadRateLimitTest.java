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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits.publish-bytes-per-second}: a connection sending faster than the limit is read at the limit (the
 * broker stops reading, TCP holds the client back) and loses nothing; another connection is not slowed by it.
 */
class ReadRateLimitTest {

    private static final int RATE = 20_000;
    private static final int LINES = 100;
    private static final String LINE = "x".repeat(990);

    private NettyServer server;
    private int port;

    @BeforeEach
    void start() {
        server = new NettyServer(1, List.of(new LineProtocol("alpha", "ALPHA")));
        server.limitReadRate(RATE);
        port = server.bind(ListenerConfig.tcp("limited", "127.0.0.1", 0, "alpha")).getPort();
    }

    @AfterEach
    void stop() {
        server.close(Duration.ofSeconds(2));
    }

    @Test
    void aFastSenderIsReadAtTheLimitWithNothingLostWhileAnotherConnectionIsAnswered() throws Exception {
        try (Socket fast = new Socket("127.0.0.1", port); Socket other = new Socket("127.0.0.1", port)) {
            fast.setSoTimeout(60_000);
            other.setSoTimeout(30_000);
            long start = System.nanoTime();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = fast.getOutputStream();
                    for (int i = 0; i < LINES; i++) {
                        out.write(("ALPHA " + i + " " + LINE + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            BufferedReader in = new BufferedReader(new InputStreamReader(fast.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).startsWith("alpha[tcp]:ALPHA 0 ");

            // The fast connection is being held back; the other one is answered at once.
            other.getOutputStream().write("ALPHA hello\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))
                    .readLine()).isEqualTo("alpha[tcp]:ALPHA hello");

            for (int i = 1; i < LINES; i++) {
                assertThat(in.readLine()).startsWith("alpha[tcp]:ALPHA " + i + " ");
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            sent.get(30, TimeUnit.SECONDS);
            // About 100 kB at 20 kB/s with a first second's worth let through at once: at least 4 s; 3 s leaves
            // room for the bytes read before a hold takes effect.
            assertThat(elapsedMillis).isGreaterThanOrEqualTo(3000);
        }
    }
}
