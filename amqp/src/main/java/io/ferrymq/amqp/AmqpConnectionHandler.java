package io.ferrymq.amqp;

import io.ferrymq.amqp.message.HumanText;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.HandshakeDeadline;
import io.ferrymq.transport.IoErrors;
import io.ferrymq.transport.ReadThrottle;
import io.ferrymq.transport.ReplyFlush;
import io.ferrymq.transport.SessionOpening;
import io.ferrymq.transport.AdministrativeClose;
import io.ferrymq.transport.ShutdownNotice;
import io.ferrymq.transport.tls.TlsIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One AMQP 1.0 connection on the wire: protocol header negotiation, the SASL exchange (authentication runs
 * off the event loop while the connection's input waits), then Proton's engine fed from the socket and
 * pumped back to it. Every Proton call happens here, on the channel's event loop.
 *
 * <p>Frame headers are checked before Proton sees them ({@link FrameScanner}), so oversize frames and
 * out-of-range channels get a close that says what was wrong. Closing is graceful: the broker writes its
 * close, shuts its side of the socket and reads until the client goes (or a short linger passes), so the
 * client always gets to read why.
 */
final class AmqpConnectionHandler extends ChannelInboundHandlerAdapter implements ConnectionIo {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnectionHandler.class);
    private static final long LINGER_MILLIS = 2000;

    private enum State {
        /** Waiting for the client's first protocol header. */
        AWAITING_HEADER,
        /** SASL header seen: waiting for sasl-init. */
        SASL,
        /** Credentials are being checked; input waits. */
        AUTHENTICATING,
        /** Authenticated: waiting for the AMQP protocol header that starts the AMQP layer. */
        AWAITING_AMQP_HEADER,
        /** Frames flow through Proton. */
        ACTIVE,
        /** Writing what is left, then the socket closes; input is discarded. */
        CLOSING,
        CLOSED
    }

    private final Broker broker;
    private final AmqpSettings settings;
    private final ConnectionContext context;
    private final ContainerRegistry containers;
    private final long startNanos = System.nanoTime();

    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_HEADER;
    private ByteBuf held;
    private ClientInfo client;
    private Transport transport;
    private Connection endpoint;
    private Collector collector;
    private SaslServer sasl;
    private FrameScanner scanner;
    private FrameGuard guard;
    private AmqpConnection connection;
    private HandshakeDeadline connectDeadline;
    private ReadThrottle throttle;
    private ScheduledFuture<?> tickTimer;
    private long tickDeadline;
    private ReplyFlush replies;
    private boolean pumping;
    private boolean pumpAgain;
    private boolean pumpScheduled;
    private boolean dispatching;
    private boolean closeRequested;
    private boolean lingering;
    private boolean engineFailed;
    private boolean openWritten;

    AmqpConnectionHandler(Broker broker, AmqpSettings settings, ConnectionContext context, ContainerRegistry containers) {
        this.broker = broker;
        this.settings = settings;
        this.context = context;
        this.containers = containers;
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.held = ctx.alloc().buffer(64);
        this.client = new ClientInfo(broker.newConnectionId(), "amqp-1.0", ctx.channel().remoteAddress(),
                context.listener(), null);
        this.throttle = new ReadThrottle(ctx.channel());
        this.replies = new ReplyFlush(ctx);
        connectDeadline = HandshakeDeadline.start(ctx, settings.connectTimeoutMillis(), this::connectTimedOut);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (state == State.CLOSING || state == State.CLOSED) {
                return;
            }
            if (held.isReadable()) {
                held.writeBytes(in);
                driveAndPump(held);
            } else {
                driveAndPump(in);
                if (in.isReadable() && state != State.CLOSING && state != State.CLOSED) {
                    held.writeBytes(in);
                }
            }
            if (held.refCnt() > 0) {
                held.discardSomeReadBytes();
            }
        } finally {
            in.release();
        }
    }

    /**
     * Runs input through Proton with pumping deferred: whatever the event handlers ask to be written goes out
     * in one pump afterwards.
     */
    private void driveAndPump(ByteBuf in) {
        boolean outer = !pumping;
        pumping = true;
        try {
            drive(in);
        } finally {
            if (outer) {
                pumping = false;
            }
        }
        if (outer) {
            pump();
        }
    }

    /** What the read batch wrote (dispositions, flow, deliveries) goes out in one flush. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        replies.readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && connection != null && state == State.ACTIVE) {
            connection.writabilityRestored();
            pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof AdministrativeClose admin) {
            if (state == State.ACTIVE) {
                close(AmqpErrors.of(AmqpErrors.CONNECTION_FORCED, admin.reason()));
            } else if (state != State.CLOSED) {
                ctx.close();
            }
            return;
        }
        if (evt == ShutdownNotice.INSTANCE) {
            if (state == State.ACTIVE) {
                close(AmqpErrors.of(AmqpErrors.CONNECTION_FORCED, "the broker is shutting down; reconnect later or"
                        + " to another broker"));
            } else if (state != State.CLOSED) {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (IoErrors.closeOnIoError(ctx, cause, LOG, "AMQP connection " + client.connectionId())) {
            return;
        }
        LOG.warn("AMQP connection {} from {}: unexpected failure, closing", client.connectionId(), remoteAddress(), cause);
        failEngine(AmqpErrors.of(AmqpErrors.INTERNAL, AmqpErrors.INTERNAL_DESCRIPTION));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        connectDeadline.cancel();
        cancel(tickTimer);
        if (connection != null) {
            connection.closed();
        }
        if (held != null && held.refCnt() > 0) {
            held.release();
        }
        ctx.fireChannelInactive();
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------ input

    /** Moves input on as far as the state allows; what cannot go on yet stays readable in {@code in}. */
    private void drive(ByteBuf in) {
        while (in.isReadable()) {
            switch (state) {
                case AWAITING_HEADER -> {
                    if (!onFirstHeader(in)) {
                        return;
                    }
                }
                case SASL -> {
                    if (!onSaslFrame(in)) {
                        return;
                    }
                }
                case AWAITING_AMQP_HEADER -> {
                    if (!onAmqpHeader(in)) {
                        return;
                    }
                }
                case ACTIVE -> {
                    int n = scanner.scan(in);
                    if (n > 0) {
                        feed(in, n);
                    }
                    if (scanner.violation() != null && state == State.ACTIVE) {
                        LOG.info("AMQP connection {} from {}: {}", client.connectionId(), remoteAddress(),
                                scanner.violation());
                        close(AmqpErrors.of(AmqpErrors.FRAMING_ERROR, scanner.violation()));
                        return;
                    }
                    FrameGuard.Verdict stopped = scanner.stopped();
                    if (stopped != null && state == State.ACTIVE) {
                        in.skipBytes(Math.min(scanner.stoppedLength(), in.readableBytes()));
                        refuseFrame(stopped);
                    } else if (n == 0) {
                        return;
                    }
                }
                case AUTHENTICATING -> {
                    return;
                }
                case CLOSING, CLOSED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** A frame the guard stopped: ignored, or answered with a session or connection error. */
    private void refuseFrame(FrameGuard.Verdict verdict) {
        switch (verdict.action()) {
            case END_SESSION -> {
                LOG.info("AMQP connection {} from {}: ending the session on channel {}: {}", client.connectionId(),
                        remoteAddress(), verdict.channel(), verdict.error().getDescription());
                org.apache.qpid.proton.engine.Session session = guard.ending(verdict.channel());
                if (session != null) {
                    connection.endSession(session, verdict.error());
                } else {
                    close(verdict.error());
                }
            }
            case CLOSE_CONNECTION -> {
                LOG.info("AMQP connection {} from {}: {}", client.connectionId(), remoteAddress(),
                        verdict.error().getDescription());
                close(verdict.error());
            }
            default -> {
                // DROP: a frame for a session that is ending; the client has not seen its end yet.
            }
        }
    }

    private boolean onFirstHeader(ByteBuf in) {
        ProtocolHeader.Kind kind = ProtocolHeader.classify(in);
        switch (kind) {
            case INCOMPLETE -> {
                return false;
            }
            case SASL -> {
                startEngine(true);
                feed(in, ProtocolHeader.LENGTH);
                if (state == State.AWAITING_HEADER) {
                    state = State.SASL;
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
                startEngine(false);
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

    private boolean onSaslFrame(ByteBuf in) {
        int n = scanner.completeFrame(in);
        if (n < 0) {
            LOG.info("AMQP connection {} from {}: bad SASL frame: {}", client.connectionId(), remoteAddress(),
                    scanner.violation());
            lingerClose();
            return false;
        }
        if (n == 0) {
            return false;
        }
        feed(in, n);
        if (state != State.SASL) {
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
        state = State.ACTIVE;
        feed(in, ProtocolHeader.LENGTH);
        return true;
    }

    private void startEngine(boolean withSasl) {
        transport = Proton.transport();
        transport.setMaxFrameSize(settings.maxFrameSize());
        transport.setChannelMax(channelMax());
        transport.setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeoutMillis()));
        transport.setEmitFlowEventOnSend(false);
        endpoint = Proton.connection();
        collector = Proton.collector();
        endpoint.collect(collector);
        if (withSasl) {
            sasl = new SaslServer(transport, settings.allowAnonymous(),
                    TlsIdentity.certificateUser(ctx.channel()).isPresent());
        }
        transport.bind(endpoint);
        guard = new FrameGuard();
        scanner = new FrameScanner(settings.maxFrameSize(), channelMax(), guard);
        connection = new AmqpConnection(broker, settings, this, endpoint, client, containers);
    }

    /**
     * The highest channel (session) number offered: the protocol setting, within limits.max-channels-per-connection
     * (channels count from 0).
     */
    private int channelMax() {
        int limit = broker.maxChannelsPerConnection();
        return limit > 0 ? Math.min(settings.channelMax(), limit - 1) : settings.channelMax();
    }

    /** Copies {@code n} bytes into Proton's input, processing as it goes. */
    private void feed(ByteBuf in, int n) {
        while (n > 0 && !engineFailed) {
            int capacity = transport.capacity();
            if (capacity <= 0) {
                // Proton's input is closed (it stopped after an error): the rest means nothing.
                in.skipBytes(n);
                return;
            }
            int k = Math.min(capacity, n);
            ByteBuffer tail = transport.tail();
            int limit = tail.limit();
            tail.limit(tail.position() + k);
            in.readBytes(tail);
            tail.limit(limit);
            n -= k;
            try {
                transport.process();
            } catch (RuntimeException e) {
                ErrorCondition c = transport.getCondition();
                LOG.debug("AMQP connection {}: Proton failed on the input", client.connectionId(), e);
                failEngine(c != null && c.getCondition() != null ? c
                        : AmqpErrors.of(AmqpErrors.FRAMING_ERROR, "the broker could not process a frame: "
                                + HumanText.of(e.getMessage(), "it does not follow the AMQP 1.0 encoding")));
                in.skipBytes(n);
                return;
            }
            processEvents();
        }
    }

    // ------------------------------------------------------------------ authentication

    private void authenticate(String mechanism, String username, String password, String hostname) {
        state = State.AUTHENTICATING;
        throttle.hold(ReadThrottle.Reason.HANDSHAKE);
        String vhost = connection.vhostFor(hostname);
        if (!broker.hasVirtualHost(vhost)) {
            vhost = Broker.DEFAULT_VHOST;
        }
        if (SaslServer.EXTERNAL.equals(mechanism)) {
            SessionOpening.openByCertificate(broker, ctx.channel(), vhost, client, connection,
                    () -> state != State.AUTHENTICATING, (s, e) -> authenticated(s, e, mechanism));
        } else {
            SessionOpening.open(broker, vhost, client, username, password, connection,
                    () -> state != State.AUTHENTICATING, (s, e) -> authenticated(s, e, mechanism));
        }
    }

    private void authenticated(Session s, BrokerException e, String mechanism) {
        throttle.release(ReadThrottle.Reason.HANDSHAKE);
        if (e != null && e.code() == ErrorCode.RESOURCE_LIMIT_EXCEEDED && sasl != null) {
            // The credentials were right (limits are checked after them): SASL succeeds, and the AMQP open is
            // refused with resource-limit-exceeded and the limit's text, which a client shows, unlike a SASL outcome.
            connection.refuseOpen(e);
            sasl.succeed();
            state = State.AWAITING_AMQP_HEADER;
            driveAndPump(held);
            if (held.refCnt() > 0) {
                held.discardSomeReadBytes();
            }
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
        state = State.AWAITING_AMQP_HEADER;
        driveAndPump(held);
        if (held.refCnt() > 0) {
            held.discardSomeReadBytes();
        }
    }

    /** Sends the SASL outcome alone (not the AMQP header Proton would add after it), then closes. */
    private void saslFailed(Sasl.SaslOutcome outcome) {
        state = State.CLOSING;
        if (outcome == Sasl.SaslOutcome.PN_SASL_AUTH) {
            sasl.fail();
        } else {
            transport.sasl().done(outcome);
        }
        int pending = transport.pending();
        if (pending > 0) {
            ByteBuffer head = transport.head();
            ByteBuf out = ctx.alloc().buffer(pending);
            ByteBuffer slice = head.duplicate();
            slice.limit(slice.position() + pending);
            out.writeBytes(slice);
            transport.pop(pending);
            ctx.write(out);
        }
        lingerClose();
    }

    private void answerHeaderAndClose(byte[] header) {
        state = State.CLOSING;
        ctx.write(Unpooled.wrappedBuffer(header));
        lingerClose();
    }

    private void connectTimedOut() {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        LOG.info("AMQP connection {} from {}: not open within {} ms, closing", client.connectionId(), remoteAddress(),
                settings.connectTimeoutMillis());
        if (state == State.ACTIVE) {
            close(AmqpErrors.of(AmqpErrors.RESOURCE_LIMIT, "the connection was not opened within "
                    + settings.connectTimeoutMillis() + " ms"));
        } else {
            lingerClose();
        }
    }

    // ------------------------------------------------------------------ Proton pump

    @Override
    public void pump() {
        if (transport == null || state == State.CLOSED || engineFailed) {
            return;
        }
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                processEvents();
                tick();
                writeOutput();
            } while (pumpAgain && !engineFailed && state != State.CLOSED);
        } finally {
            pumping = false;
        }
    }

    /** Pumps and flushes at once: the end of a batch of deliveries, which consumers wait for. */
    @Override
    public void pumpAndFlush() {
        pump();
        replies.flushNow();
    }

    /**
     * A pump after the event loop's current batch of tasks: completions that arrive together (the sends of one
     * journal batch) then share one pass of Proton's event processing and output instead of one each.
     */
    @Override
    public void pumpSoon() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        if (!pumpScheduled) {
            pumpScheduled = true;
            ctx.executor().execute(() -> {
                pumpScheduled = false;
                pump();
            });
        }
    }

    private void processEvents() {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            dispatchEvents();
        } finally {
            dispatching = false;
        }
    }

    private void dispatchEvents() {
        Event e;
        while (!engineFailed && (e = collector.peek()) != null) {
            try {
                if (e.getType() == Event.Type.TRANSPORT_ERROR) {
                    ErrorCondition c = transport.getCondition();
                    collector.pop();
                    failEngine(c != null && c.getCondition() != null ? c
                            : AmqpErrors.of(AmqpErrors.FRAMING_ERROR, "protocol error"));
                    return;
                }
                if (state == State.ACTIVE || state == State.CLOSING) {
                    connection.onEvent(e);
                }
            } catch (BrokerException ex) {
                LOG.info("AMQP connection {}: {}", client.connectionId(), ex.getMessage());
                close(AmqpErrors.of(ex));
            } catch (RuntimeException ex) {
                LOG.warn("AMQP connection {} from {}: failed handling {}", client.connectionId(), remoteAddress(),
                        e.getType(), ex);
                close(AmqpErrors.of(AmqpErrors.INTERNAL, "the broker failed to handle the client's "
                        + e.getType().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " because of an"
                        + " internal error; the broker's log has the details for its operator"));
            }
            collector.pop();
        }
    }

    private void tick() {
        if (state != State.ACTIVE && state != State.CLOSING) {
            return;
        }
        long now = (System.nanoTime() - startNanos) / 1_000_000 + 1;
        long deadline = transport.tick(now);
        if (deadline != 0 && (tickTimer == null || deadline - tickDeadline < 0)) {
            cancel(tickTimer);
            tickDeadline = deadline;
            tickTimer = ctx.executor().schedule(() -> {
                tickTimer = null;
                pump();
            }, Math.max(1, deadline - now), TimeUnit.MILLISECONDS);
        }
    }

    private void writeOutput() {
        boolean wrote = false;
        while (!engineFailed) {
            int pending;
            try {
                pending = transport.pending();
            } catch (RuntimeException e) {
                LOG.warn("AMQP connection {} from {}: encoding the broker's output failed", client.connectionId(),
                        remoteAddress(), e);
                failEngine(AmqpErrors.of(AmqpErrors.INTERNAL, AmqpErrors.INTERNAL_DESCRIPTION));
                return;
            }
            if (pending < 0) {
                if (wrote) {
                    ctx.flush();
                }
                lingerClose();
                return;
            }
            if (pending == 0 || (!ctx.channel().isWritable() && !closeRequested)) {
                break;
            }
            ByteBuffer head = transport.head();
            ByteBuffer slice = head.duplicate();
            slice.limit(slice.position() + pending);
            ByteBuf out = ctx.alloc().buffer(pending);
            out.writeBytes(slice);
            transport.pop(pending);
            ctx.write(out);
            wrote = true;
        }
        if (wrote) {
            if (endpoint.getLocalState() != EndpointState.UNINITIALIZED) {
                openWritten = true;
            }
            // Flushed at the end of the read batch or of the event loop's batch of tasks, so a burst of
            // transfers, or of completions, gets its dispositions and flow in one flush rather than one each.
            replies.request();
        }
        // Both closes exchanged (or the broker's own close written): the socket goes too.
        if (!engineFailed && endpoint.getLocalState() == EndpointState.CLOSED
                && (closeRequested || endpoint.getRemoteState() == EndpointState.CLOSED) && transport.pending() <= 0) {
            lingerClose();
        }
    }

    // ------------------------------------------------------------------ closing

    /** Closes the AMQP connection with an error: a close frame (after an open, if none went yet), then the socket. */
    @Override
    public void close(ErrorCondition error) {
        if (closeRequested || state == State.CLOSED) {
            return;
        }
        closeRequested = true;
        if (connection != null) {
            connection.closed();
        }
        if (endpoint == null || engineFailed || state != State.ACTIVE && state != State.CLOSING) {
            lingerClose();
            return;
        }
        state = State.CLOSING;
        if (endpoint.getLocalState() != EndpointState.CLOSED) {
            endpoint.setCondition(AmqpErrors.humane(error));
            endpoint.close();
        }
        pump();
    }

    /**
     * Proton stopped after a protocol error (it writes nothing more): the close that tells the client why is
     * encoded here instead.
     */
    private void failEngine(ErrorCondition condition) {
        if (engineFailed || state == State.CLOSED) {
            return;
        }
        ErrorCondition error = AmqpErrors.humane(condition);
        engineFailed = true;
        boolean amqpLayer = state == State.ACTIVE || state == State.CLOSING;
        LOG.info("AMQP connection {} from {}: protocol error {}: {}", client.connectionId(), remoteAddress(),
                error.getCondition(), error.getDescription());
        state = State.CLOSING;
        if (connection != null) {
            connection.closed();
        }
        if (amqpLayer && !closeRequested) {
            ctx.write(Unpooled.wrappedBuffer(RawFrames.openAndClose(openWritten, AmqpConnection.BROKER_CONTAINER_ID,
                    error)));
        }
        closeRequested = true;
        lingerClose();
    }

    /** Flushes, ends the broker's side of the stream, and reads (discarding) until the client closes. */
    private void lingerClose() {
        if (lingering) {
            return;
        }
        lingering = true;
        if (state != State.CLOSED) {
            state = State.CLOSING;
        }
        connectDeadline.cancel();
        cancel(tickTimer);
        throttle.releaseAll();
        if (ctx.channel() instanceof DuplexChannel duplex && !context.websocket()) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
            ctx.executor().schedule(() -> {
                ctx.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ------------------------------------------------------------------ ConnectionIo

    @Override
    public Executor executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public boolean writable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void opened() {
        connectDeadline.cancel();
    }

    @Override
    public void sessionOpened(org.apache.qpid.proton.engine.Session session) {
        guard.sessionOpened(session);
    }

    @Override
    public SocketAddress remoteAddress() {
        return ctx.channel().remoteAddress();
    }
}
