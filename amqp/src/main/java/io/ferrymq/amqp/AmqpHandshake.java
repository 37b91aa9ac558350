package io.ferrymq.amqp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.ReadThrottle;
import io.ferrymq.transport.SessionOpening;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import org.apache.qpid.proton.engine.Sasl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of one AMQP 1.0 connection, up to its AMQP layer: the first protocol header (SASL, or AMQP where
 * anonymous clients are allowed), the SASL exchange, the authentication, which runs off the event loop while the
 * connection's input waits, and the AMQP protocol header after it. Wrong headers are answered with the header the
 * broker wants, then the connection closes; a failed login gets its SASL outcome alone.
 */
final class AmqpHandshake {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpHandshake.class);

    /** What the handshake needs from the connection it starts. */
    interface Owner {

        /** Starts Proton's engine (with a SASL layer if {@code withSasl}) and the connection logic on it. */
        AmqpConnection startEngine(boolean withSasl);

        /** The AMQP protocol header arrived: frames flow through Proton from now on. */
        void amqpLayerStarts();

        /** Whether the connection is closing or closed. */
        boolean closing();

        /** The input that waited for the authentication goes on. */
        void resumeInput();

        /** Flushes what is written, then closes the socket (after a linger). */
        void lingerClose();
    }

    private enum Phase {
        /** Waiting for the client's first protocol header. */
        AWAITING_HEADER,
        /** SASL header seen: waiting for sasl-init. */
        SASL,
        /** Credentials are being checked; input waits. */
        AUTHENTICATING,
        /** Authenticated: waiting for the AMQP protocol header that starts the AMQP layer. */
        AWAITING_AMQP_HEADER
    }

    private final Broker broker;
    private final AmqpSettings settings;
    private final ChannelHandlerContext ctx;
    private final ClientInfo client;
    private final ReadThrottle throttle;
    private final ProtonEngine engine;
    private final FrameScanner scanner;
    private final Owner owner;
    private Phase phase = Phase.AWAITING_HEADER;
    private SaslServer sasl;
    private AmqpConnection connection;

    AmqpHandshake(Broker broker, AmqpSettings settings, ChannelHandlerContext ctx, ClientInfo client,
                  ReadThrottle throttle, ProtonEngine engine, FrameScanner scanner, Owner owner) {
        this.broker = broker;
        this.settings = settings;
        this.ctx = ctx;
        this.client = client;
        this.throttle = throttle;
        this.engine = engine;
        this.scanner = scanner;
        this.owner = owner;
    }

    /**
     * Moves the handshake on with {@code in}.
     *
     * @return whether to go on with what is left of {@code in}; false leaves it readable for later
     */
    boolean onInput(ByteBuf in) {
        return switch (phase) {
            case AWAITING_HEADER -> onFirstHeader(in);
            case SASL -> onSaslFrame(in);
            case AUTHENTICATING -> false;
            case AWAITING_AMQP_HEADER -> onAmqpHeader(in);
        };
    }

    private boolean onFirstHeader(ByteBuf in) {
        ProtocolHeader.Kind kind = ProtocolHeader.classify(in);
        switch (kind) {
            case INCOMPLETE -> {
                return false;
            }
            case SASL -> {
                start(true);
                engine.feed(in, ProtocolHeader.LENGTH);
                if (!owner.closing()) {
                    phase = Phase.SASL;
                }
                return true;
            }
            case AMQP -> {
                if (!settings.allowAnonymous()) {
                    LOG.info("AMQP connection {} from {} skipped SASL, which this broker requires: answering with the"
                            + " SASL header", client.connectionId(), remoteAddress());
                    answerHeaderAndClose(ProtocolHeader.SASL);
                    return false;
                }
                // Anonymous: authenticate, then feed this header on to Proton (no SASL layer).
                start(false);
                authenticate(null, null, null, null);
                return false;
            }
            case UNSUPPORTED_LAYER -> {
                LOG.info("AMQP connection {} from {} asked for protocol layer '{}', which this listener does not"
                        + " offer", client.connectionId(), remoteAddress(), ProtocolHeader.describe(in));
                answerHeaderAndClose(settings.allowAnonymous() ? ProtocolHeader.AMQP : ProtocolHeader.SASL);
                return false;
            }
            default -> {
                LOG.info("AMQP connection {} from {} did not start with an AMQP 1.0 protocol header (got '{}'):"
                        + " answering with the AMQP header and closing", client.connectionId(), remoteAddress(),
                        ProtocolHeader.describe(in));
                answerHeaderAndClose(ProtocolHeader.AMQP);
                return false;
            }
        }
    }

    private void start(boolean withSasl) {
        connection = owner.startEngine(withSasl);
        sasl = engine.sasl();
    }

    private boolean onSaslFrame(ByteBuf in) {
        int n = scanner.completeFrame(in);
        if (n < 0) {
            LOG.info("AMQP connection {} from {}: bad SASL frame: {}", client.connectionId(), remoteAddress(),
                    scanner.violation());
            owner.lingerClose();
            return false;
        }
        if (n == 0) {
            return false;
        }
        engine.feed(in, n);
        if (owner.closing()) {
            return false;
        }
        if (!sasl.initReceived()) {
            return true;
        }
        SaslServer.Credentials credentials;
        try {
            credentials = sasl.credentials();
        } catch (SaslServer.SaslRefused e) {
            LOG.info("AMQP connection {} from {}: SASL refused: {}", client.connectionId(), remoteAddress(),
                    e.getMessage());
            saslFailed(Sasl.SaslOutcome.PN_SASL_AUTH);
            return false;
        }
        authenticate(credentials.mechanism(), credentials.username(), credentials.password(), sasl.hostname());
        return false;
    }

    private boolean onAmqpHeader(ByteBuf in) {
        ProtocolHeader.Kind kind = ProtocolHeader.classify(in);
        if (kind == ProtocolHeader.Kind.INCOMPLETE) {
            return false;
        }
        if (kind != ProtocolHeader.Kind.AMQP) {
            LOG.info("AMQP connection {} from {}: expected the AMQP protocol header after SASL, got '{}'",
                    client.connectionId(), remoteAddress(), ProtocolHeader.describe(in));
            answerHeaderAndClose(ProtocolHeader.AMQP);
            return false;
        }
        owner.amqpLayerStarts();
        engine.feed(in, ProtocolHeader.LENGTH);
        return true;
    }

    // ------------------------------------------------------------------ authentication

    private void authenticate(String mechanism, String username, String password, String hostname) {
        phase = Phase.AUTHENTICATING;
        throttle.hold(ReadThrottle.Reason.HANDSHAKE);
        String vhost = connection.vhostFor(hostname);
        if (!broker.hasVirtualHost(vhost)) {
            vhost = Broker.DEFAULT_VHOST;
        }
        if (SaslServer.EXTERNAL.equals(mechanism)) {
            SessionOpening.openByCertificate(broker, ctx.channel(), vhost, client, connection,
                    this::abandoned, (s, e) -> authenticated(s, e, mechanism));
        } else {
            SessionOpening.open(broker, vhost, client, username, password, connection,
                    this::abandoned, (s, e) -> authenticated(s, e, mechanism));
        }
    }

    /** Whether the connection gave up on the login it waits for (it closed meanwhile). */
    private boolean abandoned() {
        return phase != Phase.AUTHENTICATING || owner.closing();
    }

    private void authenticated(Session s, BrokerException e, String mechanism) {
        throttle.release(ReadThrottle.Reason.HANDSHAKE);
        if (e != null && e.code() == ErrorCode.RESOURCE_LIMIT_EXCEEDED && sasl != null) {
            // The credentials were right (limits are checked after them): SASL succeeds, and the AMQP open is
            // refused with resource-limit-exceeded and the limit's text, which a client shows, unlike a SASL outcome.
            connection.refuseOpen(e);
            sasl.succeed();
            phase = Phase.AWAITING_AMQP_HEADER;
            owner.resumeInput();
            return;
        }
        if (e != null) {
            LOG.info("AMQP connection {} from {}: authentication failed ({}): {}", client.connectionId(),
                    remoteAddress(), mechanism == null ? "no SASL" : mechanism, e.getMessage());
            if (sasl == null) {
                answerHeaderAndClose(ProtocolHeader.SASL);
            } else {
                saslFailed(e.code() == ErrorCode.UNAVAILABLE ? Sasl.SaslOutcome.PN_SASL_TEMP
                        : e.code() == ErrorCode.INTERNAL ? Sasl.SaslOutcome.PN_SASL_SYS : Sasl.SaslOutcome.PN_SASL_AUTH);
            }
            return;
        }
        // The principal is all the SASL step needs; the AMQP open picks the virtual host and opens the session.
        connection.authenticated(s.principal());
        s.close();
        if (sasl != null) {
            sasl.succeed();
        }
        phase = Phase.AWAITING_AMQP_HEADER;
        owner.resumeInput();
    }

    /** Sends the SASL outcome alone (not the AMQP header Proton would add after it), then closes. */
    private void saslFailed(Sasl.SaslOutcome outcome) {
        if (outcome == Sasl.SaslOutcome.PN_SASL_AUTH) {
            sasl.fail();
        } else {
            engine.saslDone(outcome);
        }
        engine.writePending();
        owner.lingerClose();
    }

    private void answerHeaderAndClose(byte[] header) {
        ctx.write(Unpooled.wrappedBuffer(header));
        owner.lingerClose();
    }

    private java.net.SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }
}
