package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpCodec;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input and refused actions get AMQP's own error conditions, with descriptions a person can act on, and
 * the broker carries on serving other clients.
 */
class AmqpBadInputTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults())
            .policy(AddressPolicy.matching("bounded").withLimits(2L, null, OverflowPolicy.REJECT_PUBLISH))
            .build();

    @AfterEach
    void stop() throws Exception {
        // Whatever the test did, the broker still serves a well-behaved client.
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("still.alive")).send(s.createTextMessage("ok"));
        }
    }

    @Test
    void garbageInsteadOfTheProtocolHeaderGetsTheAmqpHeaderAndAClose() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readHeader()).isEqualTo(RawAmqpClient.AMQP_HEADER);
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void frameLargerThanMaxFrameSizeClosesWithFramingError() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            int max = raw.open("admin", "secret").getMaxFrameSize().intValue();
            ByteBuffer b = ByteBuffer.allocate(64);
            b.putInt(max + 1).put((byte) 2).put((byte) 0).putShort((short) 0);
            raw.write(b.array());
            Close close = (Close) raw.read().body();
            assertThat(close.getError().getCondition().toString()).isEqualTo("amqp:connection:framing-error");
            assertThat(close.getError().getDescription()).contains("max-frame-size");
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void undecodableFrameClosesTheConnectionInWordsNotJavaClassNames() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            // A frame whose performative starts with a constructor AMQP does not define.
            raw.write(new byte[] {0, 0, 0, 12, 2, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            Object body;
            do {
                body = raw.read().body();
            } while (!(body instanceof Close));
            ErrorCondition error = ((Close) body).getError();
            assertThat(error.getCondition().toString()).isIn("amqp:connection:framing-error", "amqp:decode-error");
            assertThat(error.getDescription()).isNotBlank()
                    .doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b")
                    .doesNotContain("java.").doesNotContain("org.apache");
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void undecodableMessageIsRejectedWithDecodeError() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            raw.attachSender("raw-sender", "raw.queue");
            transfer(raw, 0, new byte[] {(byte) 0xFF, 0x01, 0x02, 0x03});
            ErrorCondition error = rejection(raw);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:decode-error");
            assertThat(error.getDescription()).isNotBlank();

            // An application property that is not a simple value: also decode-error, and why.
            byte[] message = AmqpCodec.get().encode(
                    new ApplicationProperties(Map.of("nested", Map.of("a", 1))), new AmqpValue("body"));
            transfer(raw, 1, message);
            ErrorCondition second = rejection(raw);
            assertThat(second.getCondition().toString()).isEqualTo("amqp:decode-error");
            assertThat(second.getDescription()).contains("nested");
        }
        assertThat(AmqpClients.messagesIn(broker, "raw.queue")).isZero();
    }

    @Test
    void anonymousRelayMessageWithoutToIsRejectedWithInvalidField() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            raw.attachSender("raw-sender", null);
            transfer(raw, 0, AmqpCodec.get().encode(new AmqpValue("where to?")));
            ErrorCondition error = rejection(raw);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:invalid-field");
            assertThat(error.getDescription()).contains("'to'");
        }
    }

    @Test
    void forbiddenAddressGetsUnauthorizedAccess() throws Exception {
        try (Connection c = new JmsConnectionFactory("limited", "secret", AmqpClients.uri(broker)).createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("allowed.things")).send(s.createTextMessage("fine"));
            assertThatThrownBy(() -> s.createProducer(s.createQueue("forbidden.things")))
                    .isInstanceOf(JMSSecurityException.class).hasMessageContaining("forbidden.things");
            assertThatThrownBy(() -> s.createConsumer(s.createTopic("forbidden.topic")))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void missingQueueGetsNotFound() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("/amq/queue/nowhere")))
                    .isInstanceOf(InvalidDestinationException.class).hasMessageContaining("nowhere");
        }
    }

    @Test
    void fullQueueRefusesSendsWithResourceLimitExceeded() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("bounded"));
            p.send(s.createTextMessage("1"));
            p.send(s.createTextMessage("2"));
            assertThatThrownBy(() -> p.send(s.createTextMessage("3")))
                    .isInstanceOf(ResourceAllocationException.class).hasMessageContaining("bounded");
        }
        assertThat(AmqpClients.messagesIn(broker, "bounded")).isEqualTo(2);
    }

    @Test
    void duplicateClientIdIsRefusedWithInvalidField() throws Exception {
        try (Connection first = AmqpClients.factory(broker).createConnection()) {
            first.setClientID("only-one");
            first.start();
            Connection second = AmqpClients.factory(broker).createConnection();
            try {
                assertThatThrownBy(() -> {
                    second.setClientID("only-one");
                    second.start();
                }).isInstanceOf(InvalidClientIDException.class).hasMessageContaining("only-one");
            } finally {
                second.close();
            }
        }
    }

    // ------------------------------------------------------------------ raw helpers

    private static void transfer(RawAmqpClient raw, int id, byte[] payload) throws Exception {
        Transfer t = new Transfer();
        t.setHandle(UnsignedInteger.ZERO);
        t.setDeliveryId(UnsignedInteger.valueOf(id));
        t.setDeliveryTag(new Binary(new byte[] {(byte) id}));
        t.setMessageFormat(UnsignedInteger.ZERO);
        t.setSettled(false);
        raw.frame(RawAmqpClient.AMQP_FRAME, 0, t, payload);
    }

    private static ErrorCondition rejection(RawAmqpClient raw) throws Exception {
        Object body;
        do {
            body = raw.read().body();
        } while (body instanceof Flow);
        Disposition d = (Disposition) body;
        assertThat(d.getState()).isInstanceOf(Rejected.class);
        return ((Rejected) d.getState()).getError();
    }
}
