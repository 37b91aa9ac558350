package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** CONNECTED tells the client which broker and version it reached, also when the broker runs from classes. */
class StompConnectedFrameTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    @Test
    void serverHeaderCarriesTheBuildVersion() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\n\n\0");
            RawStompClient.Frame connected = c.read();
            assertThat(connected.command()).isEqualTo("CONNECTED");
            // Tests run from target/classes, without a jar manifest: the version must not depend on one.
            assertThat(connected.header("server")).matches("FerryMQ/\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
        }
    }
}
