package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets an ERROR frame that explains it, the connection is closed, and other clients carry on. */
class StompBadInputTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults().withLimits(new io.ferrymq.stomp.codec.StompLimits(64 * 1024, 100, 8 * 1024))))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    @Test
    void unknownCommandGetsAnErrorAndTheConnectionCloses() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("FLY\ndestination:/queue/a\n\n\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("unknown command 'FLY'");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void malformedHeaderLineGetsAnError() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SEND\ndestination:/queue/a\nno-colon-here\n\nbody\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Malformed frame");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void oversizeFrameGetsAnErrorNamingTheLimit() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            byte[] big = new byte[100 * 1024];
            Arrays.fill(big, (byte) 'x');
            c.send(("SEND\ndestination:/queue/a\n\n").getBytes(StandardCharsets.UTF_8));
            c.send(big);
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("frame too large").contains("65536");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:wrong\n\n\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Authentication failed");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void frameBeforeConnectIsRefused() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            // Port unification is not in play here (the listener is STOMP only), so the frame reaches STOMP.
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\n\n\0");
            assertThat(c.read().command()).isEqualTo("CONNECTED");
        }
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("SEND\ndestination:/queue/a\n\nhi\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("first frame must be CONNECT");
        }
    }

    @Test
    void sendingToAForbiddenDestinationIsRefused() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:limited\npasscode:secret\n\n\0");
            assertThat(c.read().command()).isEqualTo("CONNECTED");
            c.send("SEND\ndestination:/queue/secret.stuff\nreceipt:r1\n\nhi\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Access refused").contains("secret.stuff");
            assertThat(error.header("receipt-id")).isEqualTo("r1");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void unsupportedVersionIsRefusedWithTheSupportedOnes() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:2.0\nlogin:admin\npasscode:secret\n\n\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("version")).isEqualTo("1.0,1.1,1.2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\\xb", "ends-with\\"})
    void undefinedEscapeInAHeaderGetsAnErrorAndTheConnectionCloses(String value) throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SEND\ndestination:/queue/esc\nx-value:" + value + "\n\nhi\0");
            RawStompClient.Frame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Malformed frame").contains("escape");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void undefinedEscapeRightBehindConnectIsFatalToo() throws Exception {
        // Sent in one write with CONNECT, so the SEND is decoded while the login is still being checked.
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\n\n\0"
                    + "SEND\ndestination:/queue/esc\nx-value:a\\xb\n\nhi\0");
            RawStompClient.Frame error = c.read();
            if (error.command().equals("CONNECTED")) {
                error = c.read(); // the login may finish before the SEND is read
            }
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).startsWith("Malformed frame").contains("escape");
            assertThat(c.closedByPeer()).isTrue();
        }
        assertOtherClientsCarryOn();
    }

    @Test
    void backslashesInConnectHeadersAreTakenLiterally() throws Exception {
        // CONNECT is never escaped (STOMP 1.2 "Value Encoding"): a backslash in it is an ordinary character.
        try (RawStompClient c = new RawStompClient(broker.port("stomp"))) {
            c.send("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\nclient-id:a\\xb\\\n\n\0");
            assertThat(c.read().command()).isEqualTo("CONNECTED");
        }
    }

    private void assertOtherClientsCarryOn() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("SUBSCRIBE\nid:0\ndestination:/queue/alive\nreceipt:s\n\n\0");
            assertThat(c.read().command()).isEqualTo("RECEIPT");
            c.send("SEND\ndestination:/queue/alive\n\nstill here\0");
            RawStompClient.Frame m = c.read();
            assertThat(m.command()).isEqualTo("MESSAGE");
            assertThat(m.body()).isEqualTo("still here");
        }
    }
}
