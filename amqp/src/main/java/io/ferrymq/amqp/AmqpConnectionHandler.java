package io.ferrymq.amqp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.HandshakeDeadline;
import io.ferrymq.transport.IoErrors;
import io.ferrymq.transport.ReadThrottle;
import io.ferrymq.transport.ReplyFlush;
import io.ferrymq.transport.AdministrativeClose;
import io.ferrymq.transport.ShutdownNotice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One AMQP 1.0 connection on the wire: its input through the handshake ({@link AmqpHandshake}: protocol headers,
 * SASL, authentication) and then through the frame checks into Proton's engine ({@link ProtonEngine}), the
 * channel's events, and the close. Every Proton call happens on the channel's event loop.
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
        /** Protocol headers, SASL and authentication ({@link AmqpHandshake}). */
        HANDSHAKE,
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

    private ChannelHandlerContext ctx;
    private State state = State.HANDSHAKE;
    private ByteBuf held;
    private ClientInfo client;
    private ProtonEngine engine;
    private AmqpHandshake handshake;
    private FrameScanner scanner;
    private FrameGuard guard;
    private AmqpConnection connection;
    private HandshakeDeadline connectDeadline;
    private ReadThrottle throttle;
    private ReplyFlush replies;
    private boolean closeRequested;
    private boolean lingering;

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
        this.engine = new ProtonEngine(broker, settings, ctx, replies, client.connectionId(), new EngineLifecycle());
        this.guard = new FrameGuard();
        this.scanner = new FrameScanner(settings.maxFrameSize(), engine.channelMax(), guard);
        this.handshake = new AmqpHandshake(broker, settings, ctx, client, throttle, engine, scanner,
                new HandshakeOwner());
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
        boolean outer = engine.holdPumps();
        try {
            drive(in);
        } finally {
            engine.endHold(outer);
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
        engine.cancelTimer();
        if (connection != null) {
            connection.closed();
        }
        if (held != null && held.refCnt() > 0) {
            held.release();
        }
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ input

    /** Moves input on as far as the state allows; what cannot go on yet stays readable in {@code in}. */
    private void drive(ByteBuf in) {
        while (in.isReadable()) {
            switch (state) {
                case HANDSHAKE -> {
                    if (!handshake.onInput(in)) {
                        return;
                    }
                }
                case ACTIVE -> {
                    int n = scanner.scan(in);
                    if (n > 0) {
                        engine.feed(in, n);
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

    private AmqpConnection startEngine(boolean withSasl) {
        engine.start(withSasl);
        connection = new AmqpConnection(broker, settings, this, engine.endpoint(), client, containers);
        return connection;
    }

    /** Input held while the login ran goes on, and the buffer gives back what was read. */
    private void resumeInput() {
        driveAndPump(held);
        if (held.refCnt() > 0) {
            held.discardSomeReadBytes();
        }
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
        engine.pump();
    }

    /** Pumps and flushes at once: the end of a batch of deliveries, which consumers wait for. */
    @Override
    public void pumpAndFlush() {
        pump();
        replies.flushNow();
    }

    @Override
    public void pumpSoon() {
        engine.pumpSoon();
    }

    /** What the handshake sees of this connection's state, and what it moves on. */
    private final class HandshakeOwner implements AmqpHandshake.Owner {

        @Override
        public AmqpConnection startEngine(boolean withSasl) {
            return AmqpConnectionHandler.this.startEngine(withSasl);
        }

        @Override
        public void amqpLayerStarts() {
            state = State.ACTIVE;
        }

        @Override
        public boolean closing() {
            return state == State.CLOSING || state == State.CLOSED;
        }

        @Override
        public void resumeInput() {
            AmqpConnectionHandler.this.resumeInput();
        }

        @Override
        public void lingerClose() {
            AmqpConnectionHandler.this.lingerClose();
        }
    }

    /** What the engine sees of this connection's state, and the closes it asks for. */
    private final class EngineLifecycle implements ProtonEngine.Lifecycle {

        @Override
        public boolean amqpLayer() {
            return state == State.ACTIVE || state == State.CLOSING;
        }

        @Override
        public boolean closed() {
            return state == State.CLOSED;
        }

        @Override
        public boolean closeRequested() {
            return closeRequested;
        }

        @Override
        public void onEvent(Event event) {
            connection.onEvent(event);
        }

        @Override
        public void failEngine(ErrorCondition condition) {
            AmqpConnectionHandler.this.failEngine(condition);
        }

        @Override
        public void close(ErrorCondition error) {
            AmqpConnectionHandler.this.close(error);
        }

        @Override
        public void lingerClose() {
            AmqpConnectionHandler.this.lingerClose();
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
        if (!engine.started() || engine.failed() || state != State.ACTIVE && state != State.CLOSING) {
            lingerClose();
            return;
        }
        state = State.CLOSING;
        engine.closeEndpoint(error);
        pump();
    }

    /**
     * Proton stopped after a protocol error (it writes nothing more): the close that tells the client why is
     * encoded here instead.
     */
    private void failEngine(ErrorCondition condition) {
        if (engine.failed() || state == State.CLOSED) {
            return;
        }
        ErrorCondition error = AmqpErrors.humane(condition);
        engine.markFailed();
        boolean amqpLayer = state == State.ACTIVE || state == State.CLOSING;
        LOG.info("AMQP connection {} from {}: protocol error {}: {}", client.connectionId(), remoteAddress(),
                error.getCondition(), error.getDescription());
        state = State.CLOSING;
        if (connection != null) {
            connection.closed();
        }
        if (amqpLayer && !closeRequested) {
            ctx.write(Unpooled.wrappedBuffer(RawFrames.openAndClose(engine.openWritten(),
                    AmqpConnection.BROKER_CONTAINER_ID, error)));
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
        engine.cancelTimer();
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
