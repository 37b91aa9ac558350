package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpCodec;
import io.ferrymq.core.testing.FuzzInputs;
import io.ferrymq.core.testing.LogWatch;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.Detach;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.End;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.Transfer;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged AMQP 1.0 sessions through the broker's whole AMQP path (protocol header, SASL, {@link FrameScanner},
 * Proton, the connection handler) over a socket: each input is answered or the connection closed, and the
 * broker logs no stack trace for it (a client's bad input gets one line). The SASL exchange in front is
 * valid, so most tries reach Proton; the rest damage it too. A third property sends well-encoded link
 * performatives (attach, flow, transfer, disposition, detach) with arbitrary handles, ids and credits, which
 * byte mutations rarely produce. After each property a JMS client still round-trips a message.
 *
 * <p>The AMQP decoder faults of issue 11 (item 7: a {@code StackOverflowError} in Proton on an ATTACH with a
 * handle near 2^32, a {@code NullPointerException} in {@code Link.setContext} on a second ATTACH with the same
 * handle, the NPE in {@code DeliveryImpl.getTransportDelivery} after an oversize transfer) are recognised
 * and only counted unless {@code -Dfuzz.strict=true} (the {@code fuzz} profile): the default build
 * does not depend on their fix, a fixed broker passes the strict run.
 */
class AmqpConnectionFuzzTest {

    private static final boolean STRICT = Boolean.getBoolean("ferrymq.fuzz.strict");
    private static final Set<String> KNOWN_SEEN = ConcurrentHashMap.newKeySet();

    private static EmbeddedBrokerExtension broker;
    private static LogWatch log;

    @BeforeContainer
    static void start() {
        // jqwik runs no JUnit extensions: the broker is started and closed by hand.
        broker = AmqpClients.brokerServing(AmqpSettings.defaults()).build().start();
        log = LogWatch.start();
    }

    @AfterContainer
    static void stop() {
        log.close();
        broker.close();
        if (!KNOWN_SEEN.isEmpty()) {
            System.out.println("Known AMQP defects (issue 11 item 7) hit by this run: " + KNOWN_SEEN);
        }
    }

    @AfterProperty
    void brokerStillServesAJmsClient() throws Exception {
        try (Connection c = AmqpClients.connect(broker)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            String queue = "fuzz.alive." + System.nanoTime();
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            s.createProducer(s.createQueue(queue)).send(s.createTextMessage("ok"));
            assertThat(((TextMessage) consumer.receive(30_000)).getText()).isEqualTo("ok");
        }
    }

    @Provide
    Arbitrary<byte[]> sessions() {
        return FuzzInputs.anyInput(sessionSeeds(), 512);
    }

    @Provide
    Arbitrary<byte[]> handshakes() {
        return FuzzInputs.mutationsOf(List.of(concat(saslPrefix(), sessionSeeds().get(0))));
    }

    @Property
    void damagedSessionsAfterAValidLoginAreAnsweredWithoutAStackTrace(@ForAll("sessions") byte[] session) throws Exception {
        exchange(concat(saslPrefix(), session), session);
    }

    /**
     * Structure-aware: well-encoded performatives with arbitrary handles, delivery ids, credits and links
     * (the byte mutations rarely produce a valid frame with an extreme handle, or a handle used twice). On
     * today's code it shrinks to two ATTACHes {name a, handle 0, sender}: the NPE in {@code Link.setContext}.
     */
    @Property
    void linkPerformativesWithArbitraryFieldsAreAnsweredWithoutAStackTrace(@ForAll("linkSteps") List<Object> steps)
            throws Exception {
        List<byte[]> frames = new ArrayList<>();
        frames.add(saslPrefix());
        frames.add(RawAmqpClient.AMQP_HEADER);
        Open open = new Open();
        open.setContainerId("fuzz-structured");
        frames.add(frame(0, 0, open, null));
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        frames.add(frame(0, 0, begin, null));
        byte[] message = AmqpCodec.get().encode(new AmqpValue("x"));
        for (Object step : steps) {
            frames.add(frame(0, 0, step, step instanceof Transfer ? message : null));
        }
        byte[] input = concat(frames.toArray(new byte[0][]));
        exchange(input, input);
    }

    @Provide
    Arbitrary<List<Object>> linkSteps() {
        Arbitrary<UnsignedInteger> handles = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(0, 3)),
                Tuple.of(1, Arbitraries.longs().between(0, 0xffffffffL))).map(UnsignedInteger::valueOf);
        Arbitrary<UnsignedInteger> numbers = Arbitraries.longs().between(0, 0xffffffffL).map(UnsignedInteger::valueOf);
        Arbitrary<Object> attach = Combinators.combine(handles, Arbitraries.of(Role.SENDER, Role.RECEIVER),
                Arbitraries.of("a", "b")).as((h, role, name) -> {
                    Attach a = new Attach();
                    a.setName(name);
                    a.setHandle(h);
                    a.setRole(role);
                    Source source = new Source();
                    source.setAddress("fuzz.s");
                    Target target = new Target();
                    target.setAddress("fuzz.s");
                    a.setSource(source);
                    a.setTarget(target);
                    a.setInitialDeliveryCount(UnsignedInteger.ZERO);
                    return a;
                });
        Arbitrary<Object> flow = Combinators.combine(handles, numbers).as((h, credit) -> {
            Flow f = new Flow();
            f.setHandle(h);
            f.setNextIncomingId(UnsignedInteger.ZERO);
            f.setIncomingWindow(UnsignedInteger.valueOf(100));
            f.setNextOutgoingId(UnsignedInteger.ZERO);
            f.setOutgoingWindow(UnsignedInteger.valueOf(100));
            f.setDeliveryCount(UnsignedInteger.ZERO);
            f.setLinkCredit(credit);
            return f;
        });
        Arbitrary<Object> transfer = Combinators.combine(handles, numbers, Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as((h, id, settled, more) -> {
                    Transfer t = new Transfer();
                    t.setHandle(h);
                    t.setDeliveryId(id);
                    t.setDeliveryTag(new Binary(new byte[] {1}));
                    t.setMessageFormat(UnsignedInteger.ZERO);
                    t.setSettled(settled);
                    t.setMore(more);
                    return t;
                });
        Arbitrary<Object> disposition = Combinators.combine(numbers, Arbitraries.of(true, false)).as((first, settled) -> {
            Disposition d = new Disposition();
            d.setRole(Role.RECEIVER);
            d.setFirst(first);
            d.setSettled(settled);
            d.setState(Accepted.getInstance());
            return d;
        });
        Arbitrary<Object> detach = Combinators.combine(handles, Arbitraries.of(true, false)).as((h, closed) -> {
            Detach d = new Detach();
            d.setHandle(h);
            d.setClosed(closed);
            return d;
        });
        return Arbitraries.oneOf(attach, flow, transfer, disposition, detach).list().ofMinSize(1).ofMaxSize(6);
    }

    @Property
    void damagedLoginsAreAnsweredWithoutAStackTrace(@ForAll("handshakes") byte[] input) throws Exception {
        exchange(input, input);
    }

    private static void exchange(byte[] input, byte[] shownPart) throws Exception {
        String shown = HexFormat.of().formatHex(shownPart);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", broker.port("amqp")), 10_000);
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(input);
                s.shutdownOutput();
                // The broker closes once it has seen the end of the input: read its answers until then.
                InputStream in = s.getInputStream();
                byte[] buf = new byte[8192];
                while (in.read(buf) >= 0) {
                    // answers are not judged here, only that they end
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the broker neither answered nor closed within 10 s on " + shown, e);
            } catch (java.io.IOException e) {
                // reset by the broker after a protocol error: an answer too
            }
        }
        List<LogWatch.Finding> unexpected = new ArrayList<>();
        for (LogWatch.Finding f : log.drain()) {
            String known = knownDefect(f.message(), f.thrown());
            if (known != null && !STRICT) {
                KNOWN_SEEN.add(known);
            } else {
                unexpected.add(f);
            }
        }
        assertThat(unexpected).as("stack traces logged for input %s", shown).isEmpty();
    }

    /** Issue 11 item 7, recognised by where it fails; null for anything else. */
    static String knownDefect(String logged, Throwable t) {
        if (t instanceof NullPointerException && logged.contains("LINK_REMOTE_OPEN")) {
            // Once the JIT has compiled the throw site the NPE comes without message or stack (fast throw).
            return "NullPointerException in Link.setContext (ATTACH on a handle in use)";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof StackOverflowError) {
                return "StackOverflowError in Proton (ATTACH handle beyond handle-max)";
            }
            if (c instanceof NullPointerException) {
                // Helpful NPE messages name the call on null: "Cannot invoke ...Link.setContext(Object)".
                if (String.valueOf(c.getMessage()).contains("Link.setContext")) {
                    return "NullPointerException in Link.setContext (ATTACH on a handle in use)";
                }
                for (StackTraceElement e : c.getStackTrace()) {
                    if (e.getMethodName().equals("setContext") && e.getClassName().contains("LinkImpl")) {
                        return "NullPointerException in Link.setContext (ATTACH on a handle in use)";
                    }
                    if (e.getMethodName().equals("getTransportDelivery")) {
                        return "NullPointerException in DeliveryImpl.getTransportDelivery (oversize transfer)";
                    }
                }
            }
        }
        return null;
    }

    /** SASL header and PLAIN admin/secret: the login every session seed follows. */
    static byte[] saslPrefix() {
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf("PLAIN"));
        init.setInitialResponse(new Binary("\0admin\0secret".getBytes(StandardCharsets.UTF_8)));
        return concat(RawAmqpClient.SASL_HEADER, frame(1, 0, init, null));
    }

    /** Valid AMQP sessions (after SASL): producer, consumer, and two links on one session. */
    static List<byte[]> sessionSeeds() {
        Open open = new Open();
        open.setContainerId("fuzz");
        open.setMaxFrameSize(UnsignedInteger.valueOf(65536));
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(100));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(100));
        Attach sender = new Attach();
        sender.setName("fuzz-sender");
        sender.setHandle(UnsignedInteger.ZERO);
        sender.setRole(Role.SENDER);
        sender.setSource(new Source());
        Target target = new Target();
        target.setAddress("fuzz.q");
        sender.setTarget(target);
        sender.setInitialDeliveryCount(UnsignedInteger.ZERO);
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.ZERO);
        transfer.setDeliveryId(UnsignedInteger.ZERO);
        transfer.setDeliveryTag(new Binary(new byte[] {1}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        byte[] message = AmqpCodec.get().encode(new AmqpValue("hello"));
        Attach receiver = new Attach();
        receiver.setName("fuzz-receiver");
        receiver.setHandle(UnsignedInteger.ONE);
        receiver.setRole(Role.RECEIVER);
        Source source = new Source();
        source.setAddress("fuzz.q");
        receiver.setSource(source);
        receiver.setTarget(new Target());
        Flow flow = new Flow();
        flow.setHandle(UnsignedInteger.ONE);
        flow.setNextIncomingId(UnsignedInteger.ZERO);
        flow.setIncomingWindow(UnsignedInteger.valueOf(100));
        flow.setNextOutgoingId(UnsignedInteger.ZERO);
        flow.setOutgoingWindow(UnsignedInteger.valueOf(100));
        flow.setDeliveryCount(UnsignedInteger.ZERO);
        flow.setLinkCredit(UnsignedInteger.valueOf(10));
        Disposition disposition = new Disposition();
        disposition.setRole(Role.RECEIVER);
        disposition.setFirst(UnsignedInteger.ZERO);
        disposition.setSettled(true);
        disposition.setState(Accepted.getInstance());
        Detach detach = new Detach();
        detach.setHandle(UnsignedInteger.ZERO);
        detach.setClosed(true);
        byte[] header = RawAmqpClient.AMQP_HEADER;
        return List.of(
                concat(header, frame(0, 0, open, null), frame(0, 0, begin, null), frame(0, 0, sender, null),
                        frame(0, 0, transfer, message), frame(0, 0, detach, null), frame(0, 0, new End(), null),
                        frame(0, 0, new Close(), null)),
                concat(header, frame(0, 0, open, null), frame(0, 0, begin, null), frame(0, 0, receiver, null),
                        frame(0, 0, flow, null), frame(0, 0, disposition, null), frame(0, 0, new Close(), null)),
                concat(header, frame(0, 0, open, null), frame(0, 0, begin, null), frame(0, 0, sender, null),
                        frame(0, 0, receiver, null), frame(0, 0, flow, null), frame(0, 0, transfer, message)));
    }

    static byte[] frame(int type, int channel, Object performative, byte[] payload) {
        byte[] body = AmqpCodec.get().encode(performative);
        int size = 8 + body.length + (payload == null ? 0 : payload.length);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(size).put((byte) 2).put((byte) type).putShort((short) channel).put(body);
        if (payload != null) {
            b.put(payload);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
