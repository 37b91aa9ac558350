package io.ferrymq.amqp091;

import io.ferrymq.amqp091.codec.AmqpFrameException;
import io.ferrymq.amqp091.codec.BasicProperties;
import io.ferrymq.amqp091.codec.Frame;
import io.ferrymq.amqp091.codec.FrameDecoder;
import io.ferrymq.amqp091.codec.FrameWriter;
import io.ferrymq.amqp091.codec.Method;
import io.ferrymq.amqp091.codec.MethodSpec;
import io.ferrymq.amqp091.codec.ReplyCodes;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.ChannelReporter;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.HandshakeDeadline;
import io.ferrymq.transport.IoErrors;
import io.ferrymq.transport.SessionOpening;
import io.ferrymq.transport.AdministrativeClose;
import io.ferrymq.transport.ShutdownNotice;
import io.ferrymq.transport.TransportFault;
import io.ferrymq.transport.tls.TlsIdentity;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One AMQP 0-9-1 connection: the handshake (start, tune, open), channel 0's methods, heartbeats,
 * connection errors and blocking; everything on a channel above 0 goes to its {@link Amqp091Channel}.
 * Runs on the channel's event loop.
 */
final class Amqp091Connection extends ChannelInboundHandlerAdapter implements DeliverySink, ChannelReporter {

    private static final Logger LOG = LoggerFactory.getLogger(Amqp091Connection.class);
    private static final long CLOSE_OK_TIMEOUT_MILLIS = 5_000;

    private enum State { AWAITING_HEADER, STARTED, TUNING, TUNED, OPENING, OPEN, CLOSING, CLOSED }

    final Broker broker;
    final Amqp091Settings settings;
    final DirectReplyTo directReplyTo;
    final StreamQueues streamQueues;
    private final ConnectionContext context;
    private final FrameDecoder decoder;
    private final Map<Integer, Amqp091Channel> channels = new HashMap<>();
    /** Which channel and consumer each subscription of the session belongs to. */
    private final Map<Subscription, Amqp091Channel> subscriptions = new IdentityHashMap<>();
    private final ArrayDeque<Frame> heldWhileOpening = new ArrayDeque<>();

    ChannelHandlerContext ctx;
    Session session;
    long connectionId;
    int frameMax;
    private int channelMax;
    private State state = State.AWAITING_HEADER;
    private String username;
    private String password;
    private String mechanism;
    private ClientCapabilities capabilities = ClientCapabilities.NONE;
    private HandshakeDeadline handshakeDeadline;
    private int pendingPublishes;
    private boolean blocked;

    Amqp091Connection(Broker broker, Amqp091Settings settings, DirectReplyTo directReplyTo, ConnectionContext context,
                      FrameDecoder decoder, StreamQueues streamQueues) {
        this.broker = broker;
        this.streamQueues = streamQueues;
        this.settings = settings;
        this.directReplyTo = directReplyTo;
        this.context = context;
        this.decoder = decoder;
        this.frameMax = settings.frameMax();
        this.channelMax = serverChannelMax();
    }

    @Override
    public List<ChannelInfo> channels() {
        return channels.values().stream().filter(Amqp091Channel::isOpen).map(Amqp091Channel::info)
                .sorted(Comparator.comparingInt(ChannelInfo::number)).toList();
    }

    /** The highest channel offered: the protocol setting, within limits.max-channels-per-connection. */
    private int serverChannelMax() {
        int limit = broker.maxChannelsPerConnection();
        return limit > 0 ? Math.min(settings.channelMax(), limit) : settings.channelMax();
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connectionId = broker.newConnectionId();
        handshakeDeadline = HandshakeDeadline.start(ctx, settings.connectTimeoutMillis(), () -> {
            if (state.compareTo(State.OPEN) < 0) {
                LOG.info("AMQP 0-9-1 connection {} from {}: handshake not finished within {} ms, closing",
                        connectionId, remote(), settings.connectTimeoutMillis());
                state = State.CLOSED;
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg == FrameDecoder.ProtocolHeaderReceived.INSTANCE) {
            state = State.STARTED;
            send(0, ConnectionHandshake.start(TlsIdentity.certificateUser(ctx.channel()).isPresent()));
            return;
        }
        if (!(msg instanceof Frame frame) || frame instanceof Frame.Heartbeat) {
            return; // a heartbeat: the idle handler has noted the traffic
        }
        switch (state) {
            case CLOSED -> { }
            case CLOSING -> onWhileClosing(frame);
            case OPENING -> heldWhileOpening.add(frame);
            default -> dispatch(frame);
        }
    }

    private void dispatch(Frame frame) {
        try {
            if (frame.channel() == 0) {
                if (!(frame instanceof Frame.MethodFrame mf)) {
                    throw new AmqpFrameException(ReplyCodes.UNEXPECTED_FRAME, "content frame on channel 0");
                }
                onConnectionMethod(mf.method());
            } else {
                onChannelFrame(frame);
            }
        } catch (AmqpFrameException e) {
            connectionError(e.replyCode(), e.getMessage(), frame);
        }
    }

    private void onChannelFrame(Frame frame) {
        if (state != State.OPEN) {
            throw new AmqpFrameException(ReplyCodes.CHANNEL_ERROR, "frame on channel " + frame.channel()
                    + " before connection.open completed");
        }
        Amqp091Channel ch = channels.get(frame.channel());
        if (ch == null) {
            if (frame instanceof Frame.MethodFrame mf && mf.method().spec() == MethodSpec.CHANNEL_OPEN) {
                if (frame.channel() > channelMax) {
                    throw new AmqpFrameException(ReplyCodes.NOT_ALLOWED, "channel " + frame.channel()
                            + " is above the negotiated channel-max of " + channelMax);
                }
                Amqp091Channel opened = new Amqp091Channel(this, frame.channel());
                channels.put(frame.channel(), opened);
                send(frame.channel(), new Method(MethodSpec.CHANNEL_OPEN_OK, (Object) new byte[0]));
                return;
            }
            if (frame instanceof Frame.MethodFrame mf && mf.method().spec() == MethodSpec.CHANNEL_CLOSE_OK) {
                return; // the client finishing a close of a channel already released
            }
            throw new AmqpFrameException(ReplyCodes.CHANNEL_ERROR, "expected 'channel.open' on channel "
                    + frame.channel() + ", got " + describe(frame));
        }
        ch.handle(frame);
    }

    private static String describe(Frame f) {
        return f instanceof Frame.MethodFrame mf ? "'" + mf.method().spec().wireName() + "'" : "a content frame";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof AmqpFrameException e) {
            connectionError(e.replyCode(), e.getMessage(), (Method) null);
        } else if (!IoErrors.closeOnIoError(ctx, c, LOG, "AMQP 0-9-1 connection " + connectionId)) {
            LOG.warn("AMQP 0-9-1 connection {}: unexpected failure, closing", connectionId, c);
            connectionError(ReplyCodes.INTERNAL_ERROR, "the broker failed to process a frame", (Method) null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(FrameWriter.heartbeat(ctx.alloc()));
            } else if (idle.state() == IdleState.READER_IDLE && ctx.channel().config().isAutoRead()) {
                // While reads are paused (blocked, or a full publish window) silence is the broker's doing.
                LOG.info("AMQP 0-9-1 connection {} from {}: missed heartbeats from the client, closing",
                        connectionId, remote());
                state = State.CLOSED;
                ctx.close();
            }
            return;
        }
        if (evt instanceof TransportFault fault) {
            connectionError(ReplyCodes.FRAME_ERROR, fault.reason(), (Method) null);
            return;
        }
        if (evt instanceof AdministrativeClose admin) {
            connectionError(ReplyCodes.CONNECTION_FORCED, admin.reason(), (Method) null);
            return;
        }
        if (evt == ShutdownNotice.INSTANCE) {
            connectionError(ReplyCodes.CONNECTION_FORCED, "broker shutting down", (Method) null);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            channels.values().forEach(Amqp091Channel::grantOwedCredit);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        handshakeDeadline.cancel();
        for (Amqp091Channel ch : List.copyOf(channels.values())) {
            ch.release();
        }
        channels.clear();
        if (session != null) {
            session.close();
            LOG.debug("AMQP 0-9-1 connection {} closed", connectionId);
        }
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ channel 0

    private void onConnectionMethod(Method m) {
        switch (m.spec()) {
            case CONNECTION_START_OK -> onStartOk(m);
            case CONNECTION_TUNE_OK -> onTuneOk(m);
            case CONNECTION_OPEN -> onOpen(m);
            case CONNECTION_CLOSE -> {
                LOG.debug("AMQP 0-9-1 connection {}: client closes ({} {})", connectionId, m.integer(0), m.str(1));
                state = State.CLOSED;
                ctx.writeAndFlush(FrameWriter.method(ctx.alloc(), 0, new Method(MethodSpec.CONNECTION_CLOSE_OK)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            case CONNECTION_CLOSE_OK -> ctx.close();
            case CONNECTION_UPDATE_SECRET -> onUpdateSecret(m);
            default -> throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "'" + m.spec().wireName()
                    + "' is not a connection method the client may send on channel 0");
        }
    }

    private void onStartOk(Method m) {
        expect(State.STARTED, m);
        capabilities = ClientCapabilities.of(m.table(0));
        mechanism = m.str(1);
        String[] credentials = ConnectionHandshake.credentials(mechanism, m.bytes(2),
                TlsIdentity.certificateUser(ctx.channel()).isPresent());
        username = credentials[0];
        password = credentials[1];
        state = State.TUNING;
        send(0, new Method(MethodSpec.CONNECTION_TUNE, serverChannelMax(), (long) settings.frameMax(),
                settings.heartbeatSeconds()));
    }

    private void onTuneOk(Method m) {
        expect(State.TUNING, m);
        int clientChannelMax = m.integer(0);
        long clientFrameMax = m.longValue(1);
        int heartbeat = m.integer(2);
        if (clientChannelMax > serverChannelMax()) {
            throw new AmqpFrameException(ReplyCodes.NOT_ALLOWED, "channel_max=" + clientChannelMax
                    + " is above the server's maximum of " + serverChannelMax());
        }
        if (clientFrameMax > settings.frameMax()) {
            throw new AmqpFrameException(ReplyCodes.NOT_ALLOWED, "frame_max=" + clientFrameMax
                    + " is above the server's maximum of " + settings.frameMax());
        }
        if (clientFrameMax != 0 && clientFrameMax < Amqp091Settings.FRAME_MIN_SIZE) {
            throw new AmqpFrameException(ReplyCodes.NOT_ALLOWED, "frame_max=" + clientFrameMax
                    + " is below the minimum of " + Amqp091Settings.FRAME_MIN_SIZE);
        }
        channelMax = clientChannelMax == 0 ? serverChannelMax() : clientChannelMax;
        frameMax = clientFrameMax == 0 ? settings.frameMax() : (int) clientFrameMax;
        decoder.maxFrameSize(frameMax);
        if (heartbeat > 0) {
            // Silent for two intervals is dead (the spec's rule); we send at each interval.
            ctx.pipeline().addBefore("amqp091-decoder", "amqp091-heartbeat",
                    new IdleStateHandler(heartbeat * 2L, heartbeat, 0, TimeUnit.SECONDS));
        }
        state = State.TUNED;
    }

    private void onOpen(Method m) {
        expect(State.TUNED, m);
        String vhost = m.str(0);
        state = State.OPENING;
        updateAutoRead();
        ClientInfo client = new ClientInfo(connectionId, "amqp-0-9-1", ctx.channel().remoteAddress(),
                context.listener(), capabilities.connectionName());
        SessionOpening.Answer answer = (s, e) -> {
            if (e != null) {
                refused(e, vhost, m);
            } else {
                opened(s);
            }
        };
        if (ConnectionHandshake.EXTERNAL.equals(mechanism)) {
            SessionOpening.openByCertificate(broker, ctx.channel(), vhost, client, this, () -> state == State.CLOSED,
                    answer);
        } else {
            SessionOpening.open(broker, vhost, client, username, password, this, () -> state == State.CLOSED, answer);
        }
        password = null;
    }

    /**
     * connection.update-secret: the connection's user logs in again with the new secret (a refreshed token or
     * password); refused, the connection closes with RabbitMQ's 530 NOT_ALLOWED.
     */
    private void onUpdateSecret(Method m) {
        if (state != State.OPEN) {
            throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "'connection.update-secret' before"
                    + " connection.open completed");
        }
        String secret = new String(m.bytes(0), StandardCharsets.UTF_8);
        String reason = m.str(1);
        broker.authenticate(username, secret, session.client(), executor()).whenComplete((who, t) -> {
            if (state != State.OPEN) {
                return;
            }
            if (t != null || !who.name().equals(session.principal().name())) {
                LOG.info("AMQP 0-9-1 connection {} from {}: secret update refused for user '{}'", connectionId,
                        remote(), username);
                connectionError(ReplyCodes.NOT_ALLOWED, "New secret was refused by one of the backends", m);
                return;
            }
            LOG.info("AMQP 0-9-1 connection {} from {}: user '{}' updated secret, reason: {}", connectionId,
                    remote(), username, reason);
            send(0, new Method(MethodSpec.CONNECTION_UPDATE_SECRET_OK));
        });
    }

    private void refused(BrokerException e, String vhost, Method open) {
        state = State.TUNED;
        LOG.debug("AMQP 0-9-1 connection {} from {} refused: {}", connectionId, remote(), e.getMessage());
        if (e.code() == ErrorCode.AUTHENTICATION_FAILED) {
            connectionError(ReplyCodes.ACCESS_REFUSED, "Login was refused using authentication mechanism "
                    + mechanism + ". For details see the broker logfile.", open);
        } else if (e.code() == ErrorCode.RESOURCE_LIMIT_EXCEEDED) {
            // RabbitMQ's answer to a connection past a limit: 530 on connection.open.
            connectionError(ReplyCodes.NOT_ALLOWED, "access to vhost '" + vhost + "' refused for user '" + username
                    + "': " + e.getMessage(), open);
        } else if (e.code() == ErrorCode.NOT_FOUND || e.code() == ErrorCode.UNAUTHORIZED) {
            connectionError(ReplyCodes.NOT_ALLOWED, e.code() == ErrorCode.NOT_FOUND
                    ? "vhost " + vhost + " not found" : "access to vhost '" + vhost + "' refused for user '"
                    + username + "'", open);
        } else {
            connectionError(Amqp091Errors.replyCode(e.code()), e.getMessage(), open);
        }
    }

    private void opened(Session s) {
        session = s;
        state = State.OPEN;
        handshakeDeadline.cancel();
        send(0, new Method(MethodSpec.CONNECTION_OPEN_OK, ""));
        LOG.debug("AMQP 0-9-1 connection {} from {} as '{}' in vhost '{}'", connectionId, remote(),
                s.principal().name(), s.vhostName());
        updateAutoRead();
        while (state == State.OPEN && !heldWhileOpening.isEmpty()) {
            dispatch(heldWhileOpening.poll());
        }
    }

    private void expect(State expected, Method m) {
        if (state != expected) {
            throw new AmqpFrameException(ReplyCodes.COMMAND_INVALID, "'" + m.spec().wireName()
                    + "' is out of order in the connection handshake");
        }
    }

    private void onWhileClosing(Frame frame) {
        if (frame.channel() == 0 && frame instanceof Frame.MethodFrame mf) {
            if (mf.method().spec() == MethodSpec.CONNECTION_CLOSE_OK) {
                state = State.CLOSED;
                ctx.close();
            } else if (mf.method().spec() == MethodSpec.CONNECTION_CLOSE) {
                state = State.CLOSED;
                ctx.writeAndFlush(FrameWriter.method(ctx.alloc(), 0, new Method(MethodSpec.CONNECTION_CLOSE_OK)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
        // Everything else after our connection.close is discarded, as the spec says.
    }

    // ------------------------------------------------------------------ errors

    /** Closes the connection with a connection.close, waiting briefly for close-ok. */
    void connectionError(int code, String detail, Frame cause) {
        connectionError(code, detail, cause instanceof Frame.MethodFrame mf ? mf.method() : (Method) null);
    }

    void connectionError(int code, String detail, Method cause) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        Amqp091Errors.Reply reply = Amqp091Errors.reply(code, detail);
        LOG.info("AMQP 0-9-1 connection {} from {}: connection error {}", connectionId, remote(), reply.text());
        boolean beforeTune = state == State.AWAITING_HEADER;
        state = State.CLOSING;
        for (Amqp091Channel ch : List.copyOf(channels.values())) {
            ch.release();
        }
        channels.clear();
        if (beforeTune) {
            ctx.close();
            return;
        }
        int classId = cause == null ? 0 : cause.spec().classId();
        int methodId = cause == null ? 0 : cause.spec().methodId();
        ctx.writeAndFlush(FrameWriter.method(ctx.alloc(), 0,
                new Method(MethodSpec.CONNECTION_CLOSE, reply.code(), reply.text(), classId, methodId)));
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
            state = State.CLOSED;
            ctx.close();
        }, CLOSE_OK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    void channelReleased(int number) {
        channels.remove(number);
    }

    // ------------------------------------------------------------------ writing

    void send(int channel, Method m) {
        ctx.writeAndFlush(FrameWriter.method(ctx.alloc(), channel, m));
    }

    void write(int channel, Method m) {
        ctx.write(FrameWriter.method(ctx.alloc(), channel, m));
    }

    void writeContent(int channel, Method m, BasicProperties props, byte[] body) {
        ctx.write(FrameWriter.content(ctx.alloc(), channel, m, props, body, frameMax));
    }

    boolean writable() {
        return ctx.channel().isWritable();
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    ClientCapabilities capabilities() {
        return capabilities;
    }

    private Object remote() {
        return ctx.channel().remoteAddress();
    }

    // ------------------------------------------------------------------ producers: window and memory

    void publishStarted() {
        pendingPublishes++;
        updateAutoRead();
        if (!blocked) {
            CompletableFuture<Void> memory = session.memoryAvailable();
            if (!memory.isDone()) {
                blocked = true;
                if (capabilities.connectionBlocked()) {
                    send(0, new Method(MethodSpec.CONNECTION_BLOCKED, "low on memory"));
                }
                updateAutoRead();
                memory.whenComplete((v, t) -> {
                    blocked = false;
                    if (state == State.OPEN && capabilities.connectionBlocked()) {
                        send(0, new Method(MethodSpec.CONNECTION_UNBLOCKED));
                    }
                    updateAutoRead();
                });
            }
        }
    }

    void publishDone() {
        pendingPublishes--;
        updateAutoRead();
    }

    private void updateAutoRead() {
        boolean read = state == State.CLOSING
                || state != State.OPENING && !blocked && pendingPublishes < settings.maxPendingPublishes();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    // ------------------------------------------------------------------ DeliverySink

    @Override
    public Executor executor() {
        return ctx.channel().eventLoop();
    }

    void registered(Subscription s, Amqp091Channel ch) {
        subscriptions.put(s, ch);
    }

    void unregistered(Subscription s) {
        subscriptions.remove(s);
    }

    @Override
    public void deliver(Delivery d) {
        Amqp091Channel ch = d.subscription() == null ? null : subscriptions.get(d.subscription());
        if (ch == null || !ch.deliver(d)) {
            // Its consumer is gone (cancelled, channel closed): the message goes back for another.
            if (d.needsSettlement() && session != null) {
                session.settle(d, Outcome.RELEASE, null);
            }
        }
    }

    @Override
    public void flush() {
        ctx.flush();
        if (writable()) {
            channels.values().forEach(Amqp091Channel::grantOwedCredit);
        }
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        Amqp091Channel ch = subscriptions.remove(subscription);
        if (ch != null) {
            ch.consumerClosedByBroker(subscription, reason);
        }
    }
}
