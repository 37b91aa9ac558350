package io.ferrymq.amqp;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ferrymq.amqp.message.AmqpCodec;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames that would break Proton's engine (handles beyond handle-max or already in use, frames for links or
 * sessions that do not exist, a message over the size limit split across transfers) get the AMQP 1.0 error
 * the specification names, one log line without a stack trace, and nothing else: the broker and its other
 * clients carry on. Frames are encoded with Proton's codec.
 */
class AmqpFrameValidationTest {

    private static final int MAX_MESSAGE_SIZE = 10_000;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = AmqpClients.brokerServing(
            AmqpSettings.defaults().withMaxMessageSize(MAX_MESSAGE_SIZE)).build();
    private Connection jms;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        jms = AmqpClients.connect(broker);
        assertJmsRoundTrip("before");
        log = LogCapture.of("io.ferrymq.amqp");
    }

    @AfterEach
    void stop() throws Exception {
        try {
            // The bad input cost nobody else anything: a client on another connection still sends and receives,
            // and a new connection is accepted.
            assertJmsRoundTrip("after");
            try (Connection fresh = AmqpClients.connect(broker)) {
                fresh.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
            }
            assertThat(log.lines()).as("a client's mistake is logged without a stack trace")
                    .noneMatch(LogCapture.Line::withStackTrace);
        } finally {
            log.close();
            jms.close();
        }
    }

    @Test
    void attachWithHandleBeyondHandleMaxClosesTheConnectionWithFramingError() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            raw.frame(RawAmqpClient.AMQP_FRAME, 1, begin(), null);
            Begin announced = (Begin) raw.read().body();
            assertThat(announced.getHandleMax().longValue()).as("the limit the guard enforces is the one announced")
                    .isEqualTo(FrameGuard.HANDLE_MAX);
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, RawAmqpClient.senderAttach("huge", 0xfffffff0L, "valid.queue"), null);
            ErrorCondition error = connectionError(raw);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:connection:framing-error");
            assertThat(error.getDescription()).contains("4294967280").contains("handle-max");
            assertThat(raw.closedByBroker()).isTrue();
        }
        assertThat(log.containing("4294967280")).hasSize(1);
    }

    @Test
    void secondAttachOnAHandleInUseEndsTheSessionWithHandleInUse() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            attachSender(raw, 0, "first", 0, "valid.queue");
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, RawAmqpClient.senderAttach("second", 0, "valid.queue"), null);
            ErrorCondition error = sessionError(raw, 0);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:session:handle-in-use");
            assertThat(error.getDescription()).contains("handle 0").contains("first");
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, new End(), null);

            // Only that session ended: the connection carries on with another.
            beginSession(raw, 1);
            attachSender(raw, 1, "third", 0, "valid.queue");
            transfer(raw, 1, 0, 0, false, AmqpCodec.get().encode(new Data(new Binary(new byte[] {'o', 'k'}))));
            assertThat(nextDisposition(raw).getState()).isInstanceOf(Accepted.class);
        }
        assertThat(AmqpClients.messagesIn(broker, "valid.queue")).isEqualTo(1);
        assertThat(log.containing("handle 0", "'second'", "'first'")).hasSize(1);
    }

    @Test
    void framesForAnUnattachedHandleEndTheSessionWithUnattachedHandle() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            transfer(raw, 0, 7, 0, false, AmqpCodec.get().encode(new Data(new Binary(new byte[] {'x'}))));
            ErrorCondition error = sessionError(raw, 0);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:session:unattached-handle");
            assertThat(error.getDescription()).contains("transfer").contains("handle 7");
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, new End(), null);

            int brokerChannel = beginSession(raw, 1);
            Flow flow = new Flow();
            flow.setHandle(UnsignedInteger.valueOf(3));
            flow.setNextIncomingId(UnsignedInteger.ZERO);
            flow.setIncomingWindow(UnsignedInteger.valueOf(100));
            flow.setNextOutgoingId(UnsignedInteger.ZERO);
            flow.setOutgoingWindow(UnsignedInteger.valueOf(100));
            flow.setDeliveryCount(UnsignedInteger.ZERO);
            flow.setLinkCredit(UnsignedInteger.valueOf(10));
            raw.frame(RawAmqpClient.AMQP_FRAME, 1, flow, null);
            assertThat(sessionError(raw, brokerChannel).getCondition().toString())
                    .isEqualTo("amqp:session:unattached-handle");
            raw.frame(RawAmqpClient.AMQP_FRAME, 1, new End(), null);

            brokerChannel = beginSession(raw, 2);
            Detach detach = new Detach();
            detach.setHandle(UnsignedInteger.valueOf(9));
            detach.setClosed(true);
            raw.frame(RawAmqpClient.AMQP_FRAME, 2, detach, null);
            assertThat(sessionError(raw, brokerChannel).getCondition().toString())
                    .isEqualTo("amqp:session:unattached-handle");
        }
    }

    @Test
    void transferOnALinkTheClientReceivesOnEndsTheSessionWithIllegalState() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            Attach attach = new Attach();
            attach.setName("reader");
            attach.setHandle(UnsignedInteger.ZERO);
            attach.setRole(Role.RECEIVER);
            Source source = new Source();
            source.setAddress("valid.queue");
            attach.setSource(source);
            attach.setTarget(new Target());
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, attach, null);
            assertThat(((Attach) readUntil(raw, Attach.class).get(0)).getSource()).isNotNull();

            transfer(raw, 0, 0, 0, false, AmqpCodec.get().encode(new Data(new Binary(new byte[] {'x'}))));
            ErrorCondition error = sessionError(raw, 0);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:illegal-state");
            assertThat(error.getDescription()).contains("'reader'").contains("receiver");
        }
        assertThat(AmqpClients.messagesIn(broker, "valid.queue")).isZero();
    }

    @Test
    void firstTransferOfADeliveryWithoutADeliveryIdEndsTheSessionWithInvalidField() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            attachSender(raw, 0, "sender", 0, "valid.queue");
            Transfer t = new Transfer();
            t.setHandle(UnsignedInteger.ZERO);
            t.setDeliveryTag(new Binary(new byte[] {1}));
            t.setMessageFormat(UnsignedInteger.ZERO);
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, t, AmqpCodec.get().encode(new Data(new Binary(new byte[] {'x'}))));
            ErrorCondition error = sessionError(raw, 0);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:invalid-field");
            assertThat(error.getDescription()).contains("delivery-id");
        }
    }

    @Test
    void framesOnAChannelWithNoSessionCloseTheConnectionWithIllegalState() throws Exception {
        for (Object performative : List.of(RawAmqpClient.senderAttach("nowhere", 0, "valid.queue"), disposition(), new End())) {
            try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
                raw.open("admin", "secret");
                raw.frame(RawAmqpClient.AMQP_FRAME, 5, performative, null);
                ErrorCondition error = connectionError(raw);
                assertThat(error.getCondition().toString()).isEqualTo("amqp:illegal-state");
                assertThat(error.getDescription()).contains("channel 5");
                assertThat(raw.closedByBroker()).isTrue();
            }
        }
    }

    @Test
    void beginAnsweringASessionTheBrokerNeverBeganClosesTheConnectionWithInvalidField() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            Begin begin = begin();
            begin.setRemoteChannel(org.apache.qpid.proton.amqp.UnsignedShort.valueOf((short) 7));
            raw.frame(RawAmqpClient.AMQP_FRAME, 1, begin, null);
            ErrorCondition error = connectionError(raw);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:invalid-field");
            assertThat(error.getDescription()).contains("remote-channel 7");
            assertThat(raw.closedByBroker()).isTrue();
        }
    }

    @Test
    void secondBeginOnAChannelInUseClosesTheConnectionWithIllegalState() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, begin(), null);
            ErrorCondition error = connectionError(raw);
            assertThat(error.getCondition().toString()).isEqualTo("amqp:illegal-state");
            assertThat(error.getDescription()).contains("channel 0");
        }
    }

    @Test
    void messageOverTheSizeLimitDetachesOnlyItsLinkOnceAllItsTransfersArrived() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            attachSender(raw, 0, "too-big", 0, "valid.queue");
            byte[] message = AmqpCodec.get().encode(new Data(new Binary(new byte[3 * MAX_MESSAGE_SIZE])));
            int chunk = 4_000;
            int overLimit = 3 * chunk;
            for (int at = 0; at < overLimit; at += chunk) {
                transfer(raw, 0, 0, 0, true, Arrays.copyOfRange(message, at, at + chunk));
            }
            // A second link's attach, answered only once the broker has handled the transfers before it: the
            // rest of the message then certainly arrives after the broker saw it go over the limit.
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, RawAmqpClient.senderAttach("probe", 1, "valid.queue"), null);
            List<Object> answers = new ArrayList<>(readUntil(raw, Attach.class));
            for (int at = overLimit; at < message.length; at += chunk) {
                boolean more = at + chunk < message.length;
                transfer(raw, 0, 0, 0, more, Arrays.copyOfRange(message, at, Math.min(message.length, at + chunk)));
            }

            if (answers.stream().noneMatch(Detach.class::isInstance)) {
                answers.addAll(readUntil(raw, Detach.class));
            }
            Detach detach = answers.stream().filter(Detach.class::isInstance).map(Detach.class::cast)
                    .findFirst().orElseThrow();
            assertThat(detach.getHandle().intValue()).isZero();
            assertThat(detach.getError().getCondition().toString()).isEqualTo("amqp:link:message-size-exceeded");
            assertThat(detach.getError().getDescription()).contains(String.valueOf(MAX_MESSAGE_SIZE));
            assertThat(answers).filteredOn(Disposition.class::isInstance).singleElement()
                    .extracting(d -> ((Disposition) d).getState()).isInstanceOf(Rejected.class);

            // The connection and session live on: the client detaches its end and sends a small message.
            Detach mine = new Detach();
            mine.setHandle(UnsignedInteger.ZERO);
            mine.setClosed(true);
            raw.frame(RawAmqpClient.AMQP_FRAME, 0, mine, null);
            attachSender(raw, 0, "small", 0, "valid.queue");
            transfer(raw, 0, 0, 1, false, AmqpCodec.get().encode(new Data(new Binary(new byte[100]))));
            assertThat(nextDisposition(raw).getState()).isInstanceOf(Accepted.class);
        }
        assertThat(AmqpClients.messagesIn(broker, "valid.queue")).isEqualTo(1);
        assertThat(log.containing("too-big", String.valueOf(MAX_MESSAGE_SIZE))).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private void assertJmsRoundTrip(String text) throws Exception {
        Session s = jms.createSession(false, Session.AUTO_ACKNOWLEDGE);
        try {
            String queue = "healthy." + UUID.randomUUID();
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            s.createProducer(s.createQueue(queue)).send(s.createTextMessage(text));
            TextMessage got = (TextMessage) consumer.receive(20_000);
            assertThat(got).isNotNull();
            assertThat(got.getText()).isEqualTo(text);
        } finally {
            s.close();
        }
    }

    private static Begin begin() {
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(1000));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(1000));
        return begin;
    }

    /** Begins a session on the client's channel; @return the channel the broker uses for it (its own numbering) */
    private static int beginSession(RawAmqpClient raw, int channel) throws Exception {
        raw.frame(RawAmqpClient.AMQP_FRAME, channel, begin(), null);
        RawAmqpClient.Frame answer = raw.read();
        assertThat(answer.body()).isInstanceOf(Begin.class);
        assertThat(((Begin) answer.body()).getRemoteChannel().intValue()).isEqualTo(channel);
        return answer.channel();
    }

    private static void attachSender(RawAmqpClient raw, int channel, String name, long handle, String address)
            throws Exception {
        raw.frame(RawAmqpClient.AMQP_FRAME, channel, RawAmqpClient.senderAttach(name, handle, address), null);
        List<Object> seen = readUntil(raw, Attach.class);
        Attach answer = (Attach) seen.get(seen.size() - 1);
        assertThat(answer.getName()).isEqualTo(name);
        assertThat(answer.getTarget()).as("the broker accepted the link").isNotNull();
        readUntil(raw, Flow.class);
    }

    private static void transfer(RawAmqpClient raw, int channel, long handle, int deliveryId, boolean more,
                                 byte[] payload) throws Exception {
        Transfer t = new Transfer();
        t.setHandle(UnsignedInteger.valueOf(handle));
        t.setDeliveryId(UnsignedInteger.valueOf(deliveryId));
        t.setDeliveryTag(new Binary(new byte[] {(byte) deliveryId}));
        t.setMessageFormat(UnsignedInteger.ZERO);
        t.setSettled(false);
        t.setMore(more);
        raw.frame(RawAmqpClient.AMQP_FRAME, channel, t, payload);
    }

    private static Disposition disposition() {
        Disposition d = new Disposition();
        d.setRole(Role.RECEIVER);
        d.setFirst(UnsignedInteger.ZERO);
        d.setSettled(true);
        d.setState(Accepted.getInstance());
        return d;
    }

    private static List<Object> readUntil(RawAmqpClient raw, Class<?> last) throws Exception {
        List<Object> seen = new ArrayList<>();
        Object body;
        do {
            body = raw.read().body();
            assertThat(body).as("the connection stays open").isNotInstanceOf(Close.class);
            seen.add(body);
        } while (!last.isInstance(body));
        return seen;
    }

    private static Disposition nextDisposition(RawAmqpClient raw) throws Exception {
        List<Object> seen = readUntil(raw, Disposition.class);
        return (Disposition) seen.get(seen.size() - 1);
    }

    private static ErrorCondition connectionError(RawAmqpClient raw) throws Exception {
        Object body;
        do {
            body = raw.read().body();
        } while (!(body instanceof Close));
        ErrorCondition error = ((Close) body).getError();
        assertThat(error).isNotNull();
        return error;
    }

    /** @param channel the broker's channel for the session */
    private static ErrorCondition sessionError(RawAmqpClient raw, int channel) throws Exception {
        RawAmqpClient.Frame f;
        do {
            f = raw.read();
            assertThat(f.body()).as("only the session ends, not the connection").isNotInstanceOf(Close.class);
        } while (!(f.body() instanceof End));
        assertThat(f.channel()).isEqualTo(channel);
        ErrorCondition error = ((End) f.body()).getError();
        assertThat(error).isNotNull();
        return error;
    }
}
