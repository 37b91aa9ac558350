package io.ferrymq.bench.tls;

import io.ferrymq.bench.driver.TlsTrust;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.testing.EmbeddedBroker;
import io.ferrymq.transport.testing.TestTls;
import io.ferrymq.transport.tls.ReloadingSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The handshake client against a FerryMQ STOMP TLS listener with each engine: with resumption every connection after
 * the first resumes (with TLS 1.3 thanks to the ticket that comes with the broker's CONNECTED), without it none does.
 */
class HandshakeBenchTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} engine, {1}")
    @CsvSource({"OPENSSL, TLSv1.3", "OPENSSL, TLSv1.2", "JDK, TLSv1.3", "JDK, TLSv1.2"})
    void resumptionOnResumesEveryConnectionAfterTheFirstAndOffResumesNone(SslProvider engine, String version)
            throws Exception {
        assumeTrue(engine != SslProvider.OPENSSL || OpenSsl.isAvailable(), "netty-tcnative does not load here");
        TestTls tls = TestTls.create(dir);
        try (EmbeddedBroker broker = EmbeddedBroker.builder()
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .listener(ListenerConfig.tcp("stomp-tls", "127.0.0.1", 0, "stomp")
                        .withSsl(ReloadingSslContext.open(tls.settings(), engine)))
                .start()) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", broker.port("stomp-tls"));

            HandshakeBench full = new HandshakeBench(new TlsTrust(tls.caPem()).trustManagerFactory(), target,
                    List.of(version), "guest", "guest");
            for (int i = 0; i < 3; i++) {
                assertThat(full.handshakeOnce(false)).as("handshake %d without resumption", i).isFalse();
            }

            HandshakeBench resuming = new HandshakeBench(new TlsTrust(tls.caPem()).trustManagerFactory(), target,
                    List.of(version), "guest", "guest");
            assertThat(resuming.handshakeOnce(true)).as("the first handshake").isFalse();
            for (int i = 1; i < 4; i++) {
                assertThat(resuming.handshakeOnce(true)).as("handshake %d with resumption", i).isTrue();
            }

            HandshakeResult run = resuming.run(2, true, Duration.ofMillis(200), Duration.ofMillis(500),
                    OptionalLong.empty(), () -> 0L);
            assertThat(run.failures()).as(String.valueOf(run.firstFailure())).isZero();
            assertThat(run.handshakes()).isPositive();
            // Each thread's first handshake is a full one, perhaps in the warm-up.
            assertThat(run.resumed()).isBetween(run.handshakes() - 2, run.handshakes());
        }
    }
}
