package io.ferrymq.tests.security;

import io.ferrymq.server.FerryServer;
import io.ferrymq.tests.support.RawStomp;
import io.ferrymq.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code limits.publish-bytes-per-second} over a real protocol: a STOMP producer sending 100 kB at a 20 kB/s limit
 * has every message stored, in order, and the last receipt no sooner than the rate allows; meanwhile another
 * connection is answered at once.
 */
class PublishRateLimitTest {

    @Test
    void aFastProducerIsSlowedToTheRateAndLosesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, """
                storage:
                  type: memory
                listeners:
                  - {name: stomp, protocols: [stomp], port: 0}
                limits:
                  publish-bytes-per-second: 20000
                """);
        try (FerryServer server = FerryServer.start(new ConfigLoader().load(file));
             Socket fast = stomp(server); Socket other = stomp(server)) {
            String body = "x".repeat(1000);
            long start = System.nanoTime();
            OutputStream out = fast.getOutputStream();
            StringBuilder frames = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                frames.append("SEND\ndestination:/queue/rate\nreceipt:").append(i).append("\n\n").append(body).append('\0');
            }
            Thread writer = new Thread(() -> {
                try {
                    out.write(frames.toString().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            InputStream in = fast.getInputStream();
            assertThat(RawStomp.readFrame(in)).startsWith("RECEIPT").contains("receipt-id:0");

            other.getOutputStream().write("SUBSCRIBE\ndestination:/queue/elsewhere\nid:1\nreceipt:r\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(RawStomp.readFrame(other.getInputStream())).startsWith("RECEIPT");

            for (int i = 1; i < 100; i++) {
                assertThat(RawStomp.readFrame(in)).startsWith("RECEIPT").contains("receipt-id:" + i + "\n");
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            writer.join(30_000);
            // About 105 kB at 20 kB/s, the first second's worth let through at once: 4 s at least; 3 s leaves room.
            assertThat(millis).isGreaterThanOrEqualTo(3000);
            other.getOutputStream().write("SUBSCRIBE\ndestination:/queue/rate\nid:2\nack:auto\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 100; i++) {
                assertThat(RawStomp.readFrame(other.getInputStream())).startsWith("MESSAGE").endsWith(body);
            }
        }
    }

    private static Socket stomp(FerryServer server) throws IOException {
        Socket s = RawStomp.connect(server.listeners().get("stomp").getPort(), "guest", "guest");
        s.setSoTimeout(60_000);
        return s;
    }
}
