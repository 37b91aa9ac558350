package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection has the connect timeout to send CONNECT; a connected one is not bound by it. */
class StompConnectTimeoutTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults().withConnectTimeoutMillis(500)))
            .tcp("stomp", StompProtocol.NAME)
            .build();

    @Test
    void aConnectionThatSendsNoConnectIsClosedOnceTheConnectTimeoutRunsOut() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            assertThat(c.closedByPeer()).as("closed within the client's 10 s read timeout").isTrue();
        }
    }

    @Test
    void aConnectedClientStaysPastTheConnectTimeout() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.timeout(1500);
            assertThat(c.closedByPeer()).as("still open three connect timeouts later").isFalse();
            c.timeout(10_000);
            c.send("SUBSCRIBE\nid:0\ndestination:/queue/patient\nreceipt:r\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
        }
    }
}
