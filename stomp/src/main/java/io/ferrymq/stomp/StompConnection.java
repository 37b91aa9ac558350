package io.ferrymq.stomp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompFrameDecoder;
import io.ferrymq.stomp.codec.StompFrameEncoder;
import io.ferrymq.stomp.codec.StompProtocolException;
import io.ferrymq.stomp.codec.StompVersion;
import io.ferrymq.transport.BrokerVersion;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.HandshakeDeadline;
import io.ferrymq.transport.IoErrors;
import io.ferrymq.transport.ReadThrottle;
import io.ferrymq.transport.ReplyFlush;
import io.ferrymq.transport.SessionOpening;
import io.ferrymq.transport.AdministrativeClose;
import io.ferrymq.transport.ShutdownNotice;
import io.ferrymq.transport.TransportFault;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One STOMP connection: a state machine from CONNECT to close (the login, heart-beats, DISCONNECT and
 * ERROR), handing each frame to the part that deals with it: {@link StompSends}, {@link StompSubscriptions},
 * {@link StompTransactions}. Everything runs on the channel's event loop.
 */
final class StompConnection extends ChannelInboundHandlerAdapter implements DeliverySink {

    private static final Logger LOG = LoggerFactory.getLogger(StompConnection.class);
    private static final String SERVER = "FerryMQ/" + BrokerVersion.text();
    private static final Set<String> CLIENT_COMMANDS = Set.of("SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK",
            "BEGIN", "COMMIT", "ABORT", "DISCONNECT", "CONNECT", "STOMP");

    private enum State { AWAITING_CONNECT, AUTHENTICATING, CONNECTED, CLOSED }

    private final Broker broker;
    final StompSettings settings;
    private final ConnectionContext context;
    private final StompFrameDecoder decoder;
    private final StompFrameEncoder encoder;
    final StompSends sends = new StompSends(this);
    final StompSubscriptions subscriptions = new StompSubscriptions(this);
    final StompTransactions transactions = new StompTransactions(this);
    final StompTempQueues tempQueues = new StompTempQueues(this);

    ChannelHandlerContext ctx;
    private State state = State.AWAITING_CONNECT;
    StompVersion version = StompVersion.V1_0;
    long connectionId;
    /** The CONNECT frame's client-id: names durable subscriptions. */
    String clientId;
    Session session;
    private HandshakeDeadline connectDeadline;
    private ReadThrottle throttle;
    private ReplyFlush replies;
    private final ArrayDeque<StompFrame> heldWhileAuthenticating = new ArrayDeque<>();
    private final List<CompletableFuture<?>> inProgress = new ArrayList<>();

    StompConnection(Broker broker, StompSettings settings, ConnectionContext context, StompFrameDecoder decoder,
                    StompFrameEncoder encoder) {
        this.broker = broker;
        this.settings = settings;
        this.context = context;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    boolean isConnected() {
        return state == State.CONNECTED;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connectionId = broker.newConnectionId();
        this.throttle = new ReadThrottle(ctx.channel());
        this.replies = new ReplyFlush(ctx);
        connectDeadline = HandshakeDeadline.start(ctx, settings.connectTimeoutMillis(), () -> {
            if (state == State.AWAITING_CONNECT) {
                LOG.info("STOMP connection {} from {}: no CONNECT within {} ms, closing", connectionId,
                        ctx.channel().remoteAddress(), settings.connectTimeoutMillis());
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof StompFrame frame)) {
            return; // heart-beats: the idle handler already noted the activity
        }
        switch (state) {
            case AWAITING_CONNECT -> {
                if (frame.command().equals("CONNECT") || frame.command().equals("STOMP")) {
                    onConnect(frame);
                } else {
                    fail(frame, "Not connected", "the first frame must be CONNECT or STOMP, not " + frame.command());
                }
            }
            case AUTHENTICATING -> heldWhileAuthenticating.add(frame);
            case CONNECTED -> dispatch(frame);
            case CLOSED -> { }
        }
    }

    private void dispatch(StompFrame f) {
        try {
            switch (f.command()) {
                case "SEND" -> sends.onSend(f);
                case "SUBSCRIBE" -> subscriptions.onSubscribe(f);
                case "UNSUBSCRIBE" -> subscriptions.onUnsubscribe(f);
                case "ACK" -> subscriptions.onAck(f, true);
                case "NACK" -> {
                    if (version == StompVersion.V1_0) {
                        throw BrokerException.invalid("NACK does not exist in STOMP 1.0; connect with"
                                + " accept-version 1.1 or 1.2 to use it");
                    }
                    subscriptions.onAck(f, false);
                }
                case "BEGIN" -> transactions.onBegin(f);
                case "COMMIT" -> transactions.onEnd(f, true);
                case "ABORT" -> transactions.onEnd(f, false);
                case "DISCONNECT" -> onDisconnect(f);
                case "CONNECT", "STOMP" -> throw BrokerException.illegalState("already connected");
                default -> throw BrokerException.invalid("unknown command '" + f.command() + "'; a client may send "
                        + CLIENT_COMMANDS.stream().sorted().toList());
            }
        } catch (BrokerException e) {
            fail(f, e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        replies.readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (c instanceof StompProtocolException) {
            LOG.info("STOMP connection {} from {}: malformed frame: {}", connectionId, ctx.channel().remoteAddress(),
                    c.getMessage());
            sendErrorAndClose("Malformed frame", c.getMessage(), null);
        } else if (!IoErrors.closeOnIoError(ctx, c, LOG, "STOMP connection " + connectionId)) {
            LOG.warn("STOMP connection {}: unexpected failure, closing", connectionId, c);
            sendErrorAndClose("Internal error", "the broker failed to process a frame: " + c, null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(StompFrameEncoder.HEARTBEAT);
            } else if (idle.state() == IdleState.READER_IDLE) {
                LOG.info("STOMP connection {} from {}: no heart-beat from the client, closing", connectionId,
                        ctx.channel().remoteAddress());
                sendErrorAndClose("Heart-beat timeout", "nothing was received from the client within the"
                        + " negotiated heart-beat interval (with tolerance)", null);
            }
            return;
        }
        if (evt instanceof TransportFault fault) {
            // The transport logged it and closes the connection; the client hears why first.
            sendErrorAndClose("Malformed frame", fault.reason(), null);
            return;
        }
        if (evt instanceof AdministrativeClose admin) {
            sendErrorAndClose("Connection closed by the broker's operator", admin.reason(), null);
            return;
        }
        if (evt == ShutdownNotice.INSTANCE) {
            sendErrorAndClose("Broker shutting down", "the broker is shutting down; reconnect later or to another"
                    + " broker", null);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            subscriptions.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (connectDeadline != null) {
            connectDeadline.cancel();
        }
        if (session != null) {
            session.close();
            LOG.debug("STOMP connection {} closed", connectionId);
        }
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ CONNECT

    private void onConnect(StompFrame f) {
        String accepted = f.header("accept-version");
        StompVersion v = StompHandshake.negotiate(accepted);
        if (v == null) {
            StompFrame error = StompFrame.builder("ERROR")
                    .header("version", "1.0,1.1,1.2")
                    .header("content-type", "text/plain")
                    .header("message", "Supported protocol versions are 1.0, 1.1 and 1.2")
                    .body(("the client accepts " + accepted + ", which this broker does not speak")
                            .getBytes(StandardCharsets.UTF_8))
                    .build();
            state = State.CLOSED;
            ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        long[] heartBeat;
        try {
            heartBeat = StompHandshake.parseHeartBeat(f.header("heart-beat"));
        } catch (BrokerException e) {
            fail(f, e);
            return;
        }
        version = v;
        // Frames the client sends right behind CONNECT are decoded while the login is checked: they must
        // already be unescaped by the negotiated version's rules, which make undefined escapes fatal.
        decoder.version(version);
        clientId = f.header("client-id");
        String host = f.header("host");
        // The host header names a virtual host when one has that name (RabbitMQ); clients usually send
        // their server's host name, which means the default virtual host.
        String vhost = host != null && broker.hasVirtualHost(host) ? host : Broker.DEFAULT_VHOST;
        state = State.AUTHENTICATING;
        throttle.hold(ReadThrottle.Reason.HANDSHAKE);
        ClientInfo client = new ClientInfo(connectionId, "stomp-" + v.text(), ctx.channel().remoteAddress(),
                context.listener(), clientId);
        SessionOpening.Answer answer = (s, e) -> {
            if (e != null) {
                LOG.info("STOMP connection {} from {} refused: {}", connectionId,
                        ctx.channel().remoteAddress(), e.getMessage());
                fail(f, e);
                return;
            }
            connected(s, heartBeat);
        };
        // Mutual TLS: a CONNECT without passcode logs in as the user the client certificate maps to.
        if (SessionOpening.byCertificate(ctx.channel(), f.header("login"), f.header("passcode"))) {
            SessionOpening.openByCertificate(broker, ctx.channel(), vhost, client, this, () -> state == State.CLOSED,
                    answer);
        } else {
            SessionOpening.open(broker, vhost, client, f.header("login"), f.header("passcode"), this,
                    () -> state == State.CLOSED, answer);
        }
    }

    private void connected(Session s, long[] clientHeartBeat) {
        session = s;
        state = State.CONNECTED;
        connectDeadline.cancel();
        // Grant exactly what the client asks (never faster than the configured floor).
        long serverSends = clientHeartBeat[1] == 0 ? 0 : Math.max(clientHeartBeat[1], settings.minHeartBeatMillis());
        long serverExpects = clientHeartBeat[0] == 0 ? 0 : Math.max(clientHeartBeat[0], settings.minHeartBeatMillis());
        StompFrame connected = StompFrame.builder("CONNECTED")
                .header("version", version.text())
                .header("server", SERVER)
                .header("session", Long.toString(connectionId))
                .header("heart-beat", serverSends + "," + serverExpects)
                .build();
        ctx.writeAndFlush(connected);
        encoder.version(version);
        if (serverSends > 0 || serverExpects > 0) {
            ctx.pipeline().addBefore(ctx.name(), "stomp-heart-beat", new IdleStateHandler(
                    serverExpects * 2, serverSends, 0, TimeUnit.MILLISECONDS));
        }
        LOG.debug("STOMP {} connection {} from {} as '{}' in vhost '{}'", version.text(), connectionId,
                ctx.channel().remoteAddress(), s.principal().name(), s.vhostName());
        updateAutoRead();
        throttle.release(ReadThrottle.Reason.HANDSHAKE);
        while (state == State.CONNECTED && !heldWhileAuthenticating.isEmpty()) {
            dispatch(heldWhileAuthenticating.poll());
        }
    }

    // ------------------------------------------------------------------ DISCONNECT

    private void onDisconnect(StompFrame f) {
        state = State.CLOSED;
        // Receipt only once everything the client sent before has been dealt with, and once the queues have
        // stopped handing out messages: an auto-acknowledged one already on its way is written before it.
        List<CompletableFuture<?>> awaited = new ArrayList<>(inProgress);
        awaited.addAll(subscriptions.cancelAll());
        CompletableFuture.allOf(awaited.toArray(CompletableFuture[]::new)).whenComplete((v, t) ->
                ctx.executor().execute(() -> {
                    String receipt = f.header("receipt");
                    if (receipt != null && ctx.channel().isActive()) {
                        ctx.writeAndFlush(StompFrame.of("RECEIPT", null, "receipt-id", receipt))
                                .addListener(ChannelFutureListener.CLOSE);
                    } else {
                        ctx.close();
                    }
                }));
    }

    // ------------------------------------------------------------------ deliveries (DeliverySink)

    @Override
    public Executor executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void deliver(Delivery d) {
        subscriptions.deliver(d);
    }

    @Override
    public void flush() {
        ctx.flush();
        replies.flushed();
        subscriptions.flushed();
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        String id = subscriptions.closedByBroker(subscription);
        if (id != null) {
            sendErrorAndClose("Subscription closed", "subscription '" + id + "' ended: " + reason.getMessage(), null);
        }
    }

    // ------------------------------------------------------------------ replies

    /** Keeps {@code op} among the operations a DISCONNECT's receipt waits for until it completes. */
    <T> CompletableFuture<T> track(CompletableFuture<T> op) {
        if (!op.isDone()) {
            inProgress.add(op);
            op.whenComplete((v, t) -> executor().execute(() -> inProgress.remove(op)));
        }
        return op;
    }

    /** The receipt of a frame whose operation succeeded, or the ERROR frame of its failure. */
    void done(StompFrame f, Throwable t) {
        if (t != null) {
            fail(f, BrokerException.from(t));
        } else {
            receipt(f);
        }
    }

    void receipt(StompFrame f) {
        String receipt = f.header("receipt");
        if (receipt != null && ctx.channel().isActive()) {
            // Flushed with the read batch or the batch of completions it came in: a burst of receipted SENDs
            // gets its RECEIPTs in a few writes, not one flush each.
            ctx.write(StompFrame.withHeader("RECEIPT", "receipt-id", receipt), ctx.voidPromise());
            replies.request();
        }
    }

    void fail(StompFrame f, BrokerException e) {
        send(StompErrors.of(e, f, version));
    }

    private void fail(StompFrame f, String summary, String detail) {
        send(StompErrors.of(summary, detail, f, version));
    }

    private void sendErrorAndClose(String summary, String detail, String receiptId) {
        send(StompErrors.frame(summary, detail, receiptId, version));
    }

    /** STOMP says the server closes the connection after an ERROR frame. */
    private void send(StompFrame error) {
        if (state == State.CLOSED && !ctx.channel().isActive()) {
            return;
        }
        state = State.CLOSED;
        ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    }

    /** Reads only while the sends being stored stay within the window (and not while authenticating). */
    void updateAutoRead() {
        throttle.set(ReadThrottle.Reason.BACKLOG, sends.pending() >= settings.maxPendingSends());
    }
}
