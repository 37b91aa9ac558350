package io.ferrymq.transport;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedBrokerExtensionTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new LineProtocol("hello", "HELLO"))
            .tcp("plain", "hello")
            .build();

    /** A module that counts how often it was closed. */
    private static final class ClosingModule implements ProtocolModule, AutoCloseable {
        final AtomicInteger closed;

        ClosingModule(AtomicInteger closed) {
            this.closed = closed;
        }

        @Override
        public String name() {
            return "closing";
        }

        @Override
        public Detection detect(ByteBuf firstBytes) {
            return Detection.NO_MATCH;
        }

        @Override
        public Set<String> websocketSubprotocols() {
            return Set.of();
        }

        @Override
        public void initChannel(Channel channel, ConnectionContext context) {
            channel.close();
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void eachTestGetsARunningBrokerServingItsProtocolsOnAFreePort() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port("plain"))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("HELLO\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("hello[tcp]:HELLO");
        }
        assertThat(broker.module(LineProtocol.class).name()).isEqualTo("hello");
        assertThat(broker.dataDir()).as("in memory unless asked").isNull();
        assertThatThrownBy(() -> broker.port("other")).hasMessageContaining("no listener 'other'");
    }

    @Test
    void aDurableBrokerKeepsWhatItStoredAcrossARestartAndDeletesItsDirectoryWhenItStops() throws Exception {
        AtomicInteger closed = new AtomicInteger();
        Path dir;
        try (EmbeddedBrokerExtension durable = EmbeddedBrokerExtension.builder()
                .protocol(b -> new ClosingModule(closed))
                .tcp("closing", "closing")
                .durable()
                .build()
                .start()) {
            dir = durable.dataDir();
            assertThat(dir).isDirectory();
            try (Session s = admin(durable.broker())) {
                s.admin().declareQueue(QueueDeclaration.durable("kept")).get(20, TimeUnit.SECONDS);
            }

            durable.restart();

            assertThat(closed).as("the module of the first run is closed when it stops").hasValue(1);
            assertThat(durable.dataDir()).isEqualTo(dir);
            try (Session s = admin(durable.broker())) {
                assertThat(s.admin().queueExists("kept")).isTrue();
            }
        }
        assertThat(closed).hasValue(2);
        assertThat(Files.exists(dir)).isFalse();
    }

    private static Session admin(Broker broker) throws Exception {
        return broker.open("/", new ClientInfo(broker.newConnectionId(), "test", null, "test", null), "admin", "secret",
                new RecordingSink()).get(20, TimeUnit.SECONDS);
    }
}
