package io.ferrymq.tests.security;

import io.ferrymq.server.FerryServer;
import io.ferrymq.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A password-guessing loop is slowed: after three failed logins from one (non-loopback) address, each further login
 * from it waits 250 ms, then 500 ms, then 1 s... before the broker answers, whatever the protocol.
 */
class PasswordGuessingTest {

    @Test
    void failedLoginsFromOneAddressSlowItsFurtherLogins(@TempDir Path dir) throws Exception {
        Optional<InetAddress> address = siteAddress();
        assumeTrue(address.isPresent(), "needs a non-loopback address of this machine to connect from");
        String host = address.get().getHostAddress();
        Path file = dir.resolve("broker.yaml");
        Files.writeString(file, """
                storage:
                  type: memory
                listeners:
                  - {name: stomp, protocols: [stomp], host: %s, port: 0}
                security:
                  password-iterations: 1000
                  users:
                    - {name: app, password: right, roles: [apps]}
                  permissions:
                    - {roles: [apps], vhost: "*", match: "#", actions: [send]}
                """.formatted(host));
        try (FerryServer server = FerryServer.start(new ConfigLoader().load(file))) {
            InetSocketAddress at = new InetSocketAddress(host, server.listeners().get("stomp").getPort());
            for (int i = 0; i < 5; i++) {
                assertThat(login(at, "guess" + i)).startsWith("ERROR");
            }
            // Five failures: the sixth login waits 1 s (250 ms << 2) before its answer, even with the right password.
            long start = System.nanoTime();
            assertThat(login(at, "right")).startsWith("CONNECTED");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1000);
        }
    }

    private static String login(InetSocketAddress at, String password) throws IOException {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("CONNECT\naccept-version:1.2\nhost:/\nlogin:app\npasscode:" + password
                    + "\n\n\0").getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int b = in.read(); b > 0; b = in.read()) {
                out.write(b);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static Optional<InetAddress> siteAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }
}
