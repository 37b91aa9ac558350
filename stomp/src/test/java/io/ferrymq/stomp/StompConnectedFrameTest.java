package io.ferrymq.stomp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** CONNECTED tells the client which broker and version it reached, also when the broker runs from classes. */
class StompConnectedFrameTest {

    private EmbeddedStompBroker broker;

    @BeforeEach
    void start() {
        broker = EmbeddedStompBroker.builder().start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void serverHeaderCarriesTheBuildVersion() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port)) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\n\n\0");
            RawStompClient.Frame connected = c.read();
            assertThat(connected.command()).isEqualTo("CONNECTED");
            // Tests run from target/classes, without a jar manifest: the version must not depend on one.
            assertThat(connected.header("server")).matches("FerryMQ/\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
        }
    }
}
