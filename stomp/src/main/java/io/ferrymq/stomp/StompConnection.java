package io.ferrymq.stomp;

import io.ferrymq.core.Broker;
import io.ferrymq.core.BrokerException;
import io.ferrymq.core.ErrorCode;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.routing.FilterSpec;
import io.ferrymq.core.session.ClientInfo;
import io.ferrymq.core.session.DeliverySink;
import io.ferrymq.core.session.Route;
import io.ferrymq.core.session.Session;
import io.ferrymq.core.session.Tx;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompFrameDecoder;
import io.ferrymq.stomp.codec.StompFrameEncoder;
import io.ferrymq.stomp.codec.StompProtocolException;
import io.ferrymq.stomp.codec.StompVersion;
import io.ferrymq.transport.BrokerVersion;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ShutdownNotice;
import io.ferrymq.transport.TransportFault;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One STOMP connection: a state machine from CONNECT to close, translating frames into core session
 * calls and deliveries into MESSAGE frames. Everything runs on the channel's event loop.
 */
final class StompConnection extends ChannelInboundHandlerAdapter implements DeliverySink {

    private static final Logger LOG = LoggerFactory.getLogger(StompConnection.class);
    private static final String SERVER = "FerryMQ/" + BrokerVersion.text();
    private static final Set<String> CLIENT_COMMANDS = Set.of("SEND", "SUBSCRIBE", "UNSUBSCRIBE", "ACK", "NACK",
            "BEGIN", "COMMIT", "ABORT", "DISCONNECT", "CONNECT", "STOMP");

    private enum State { AWAITING_CONNECT, AUTHENTICATING, CONNECTED, CLOSED }

    private record PendingAck(StompSubscription subscription) { }

    private final Broker broker;
    private final StompSettings settings;
    private final ConnectionContext context;
    private final StompFrameDecoder decoder;
    private final StompFrameEncoder encoder;

    private ChannelHandlerContext ctx;
    private State state = State.AWAITING_CONNECT;
    private StompVersion version = StompVersion.V1_0;
    private long connectionId;
    private String clientId;
    private Session session;
    private ScheduledFuture<?> connectTimer;
    private final ArrayDeque<StompFrame> heldWhileAuthenticating = new ArrayDeque<>();

    private final Map<String, StompSubscription> subscriptions = new HashMap<>();
    private final Map<Subscription, StompSubscription> byCore = new IdentityHashMap<>();
    private final Map<String, PendingAck> pendingAcks = new HashMap<>();
    private final Map<String, Tx> transactions = new HashMap<>();
    /** Temporary queue names the client used, to their broker names. */
    private final Map<String, String> tempQueues = new HashMap<>();
    private final List<CompletableFuture<?>> inProgress = new ArrayList<>();
    private long nextAckId;
    private int pendingSends;

    StompConnection(Broker broker, StompSettings settings, ConnectionContext context, StompFrameDecoder decoder,
                    StompFrameEncoder encoder) {
        this.broker = broker;
        this.settings = settings;
        this.context = context;
        this.decoder = decoder;
        this.encoder = encoder;
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connectionId = broker.newConnectionId();
        connectTimer = ctx.executor().schedule(() -> {
            if (state == State.AWAITING_CONNECT) {
                LOG.info("STOMP connection {} from {}: no CONNECT within {} ms, closing", connectionId,
                        ctx.channel().remoteAddress(), settings.connectTimeoutMillis());
                ctx.close();
            }
        }, settings.connectTimeoutMillis(), TimeUnit.MILLISECONDS);
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
                case "SEND" -> onSend(f);
                case "SUBSCRIBE" -> onSubscribe(f);
                case "UNSUBSCRIBE" -> onUnsubscribe(f);
                case "ACK" -> onAck(f, true);
                case "NACK" -> {
                    if (version == StompVersion.V1_0) {
                        throw BrokerException.invalid("NACK does not exist in STOMP 1.0; connect with"
                                + " accept-version 1.1 or 1.2 to use it");
                    }
                    onAck(f, false);
                }
                case "BEGIN" -> onBegin(f);
                case "COMMIT" -> onEndTx(f, true);
                case "ABORT" -> onEndTx(f, false);
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
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (c instanceof StompProtocolException) {
            LOG.info("STOMP connection {} from {}: malformed frame: {}", connectionId, ctx.channel().remoteAddress(),
                    c.getMessage());
            sendErrorAndClose("Malformed frame", c.getMessage(), null);
        } else if (c instanceof IOException) {
            LOG.debug("STOMP connection {}: {}", connectionId, c.toString());
            ctx.close();
        } else {
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
            subscriptions.values().forEach(this::grantOwedCredit);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (connectTimer != null) {
            connectTimer.cancel(false);
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
        StompVersion v = negotiate(accepted);
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
            heartBeat = parseHeartBeat(f.header("heart-beat"));
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
        String vhost = host != null && broker.vhost(host) != null ? host : Broker.DEFAULT_VHOST;
        state = State.AUTHENTICATING;
        updateAutoRead();
        ClientInfo client = new ClientInfo(connectionId, "stomp-" + v.text(), ctx.channel().remoteAddress(),
                context.listener(), clientId);
        broker.open(vhost, client, f.header("login"), f.header("passcode"), this).whenComplete((s, t) -> {
            if (state == State.CLOSED) {
                if (s != null) {
                    s.close();
                }
                return;
            }
            if (t != null) {
                BrokerException e = BrokerException.from(t);
                LOG.info("STOMP connection {} from {} refused: {}", connectionId, ctx.channel().remoteAddress(),
                        e.getMessage());
                fail(f, e);
                return;
            }
            connected(s, heartBeat);
        });
    }

    private void connected(Session s, long[] clientHeartBeat) {
        session = s;
        state = State.CONNECTED;
        connectTimer.cancel(false);
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
        while (state == State.CONNECTED && !heldWhileAuthenticating.isEmpty()) {
            dispatch(heldWhileAuthenticating.poll());
        }
    }

    private static StompVersion negotiate(String acceptVersion) {
        if (acceptVersion == null || acceptVersion.isBlank()) {
            return StompVersion.V1_0;
        }
        StompVersion best = null;
        for (String v : acceptVersion.split(",")) {
            StompVersion candidate = StompVersion.parse(v.trim()).orElse(null);
            if (candidate != null && (best == null || candidate.compareTo(best) > 0)) {
                best = candidate;
            }
        }
        return best;
    }

    private static long[] parseHeartBeat(String header) {
        if (header == null) {
            return new long[] {0, 0};
        }
        String[] parts = header.split(",");
        try {
            if (parts.length == 2) {
                long cx = Long.parseLong(parts[0].trim());
                long cy = Long.parseLong(parts[1].trim());
                if (cx >= 0 && cy >= 0) {
                    return new long[] {cx, cy};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw BrokerException.invalid("heart-beat must be two non-negative numbers of milliseconds, like 10000,10000;"
                + " was '" + header + "'");
    }

    // ------------------------------------------------------------------ SEND

    private void onSend(StompFrame f) {
        StompDestination d = StompDestination.parse(f.header("destination"));
        Route route = routeFor(d);
        Message m = StompMessages.fromSend(f, System.currentTimeMillis(), session.principal().name());
        String replyTo = m.replyTo();
        if (replyTo != null && replyTo.startsWith("/temp-queue/")) {
            // RabbitMQ's temporary reply queues: the sender is subscribed to a private queue, and the
            // reply-to it publishes names that queue so that any responder can reach it.
            String real = replyQueue(replyTo);
            m = m.toBuilder().replyTo("/reply-queue/" + real).build();
        }
        Tx tx = txFor(f);
        pendingSends++;
        updateAutoRead();
        track(session.send(route, m, tx)).whenComplete((r, t) -> {
            pendingSends--;
            updateAutoRead();
            if (t != null) {
                fail(f, BrokerException.from(t));
            } else {
                receipt(f);
            }
        });
    }

    private Route routeFor(StompDestination d) {
        return switch (d.kind()) {
            case QUEUE -> Route.queue(d.name());
            case AMQ_QUEUE, REPLY_QUEUE -> {
                if (!session.admin().queueExists(d.name())) {
                    throw BrokerException.notFound("no queue '" + d.name() + "' in vhost '" + session.vhostName()
                            + "'");
                }
                yield Route.exchange("", d.name());
            }
            case TOPIC, EXCHANGE -> Route.exchange(d.name(), d.key());
            case TEMP_QUEUE -> Route.exchange("", tempQueue(d.name()));
        };
    }

    /** The connection's temporary queue of that name, created on first use. */
    private String tempQueue(String name) {
        String real = tempQueues.get(name);
        if (real == null) {
            real = session.admin().declareTemporaryQueue("stomp-" + connectionId + "-" + name, false);
            tempQueues.put(name, real);
        }
        return real;
    }

    /** A temporary reply queue with the connection subscribed to it under the reply-to name. */
    private String replyQueue(String replyTo) {
        String name = replyTo.substring("/temp-queue/".length());
        boolean existed = tempQueues.containsKey(name);
        String real = tempQueue(name);
        if (!existed && !subscriptions.containsKey(replyTo)) {
            track(session.consume(real, ConsumeOptions.credit(settings.defaultPrefetch()).withAutoSettle(true)))
                    .whenComplete((sub, t) -> {
                        if (t != null) {
                            fail(null, BrokerException.from(t));
                        } else {
                            register(new StompSubscription(replyTo, AckMode.AUTO, sub, null, settings.defaultPrefetch()));
                        }
                    });
        }
        return real;
    }

    // ------------------------------------------------------------------ SUBSCRIBE / UNSUBSCRIBE

    private void onSubscribe(StompFrame f) {
        String destination = f.header("destination");
        StompDestination d = StompDestination.parse(destination);
        String id = f.header("id");
        if (id == null) {
            if (version != StompVersion.V1_0) {
                throw BrokerException.invalid("SUBSCRIBE needs an id header in STOMP " + version.text());
            }
            id = destination;
        }
        if (subscriptions.containsKey(id)) {
            throw BrokerException.illegalState("subscription id '" + id + "' is already in use on this connection");
        }
        AckMode ack = AckMode.parse(f.header("ack"));
        int prefetch = prefetch(f);
        String selector = f.header("selector");
        ConsumeOptions options = ConsumeOptions.credit(prefetch).withAutoSettle(ack == AckMode.AUTO);
        String subscriptionId = id;
        CompletableFuture<Subscription> subscribed;
        String durableQueue = null;
        switch (d.kind()) {
            case QUEUE -> {
                session.ensureQueue(d.name());
                subscribed = session.consume(d.name(), withSelector(options, selector));
            }
            case AMQ_QUEUE, REPLY_QUEUE -> subscribed = session.consume(d.name(), withSelector(options, selector));
            case TEMP_QUEUE -> subscribed = session.consume(tempQueue(d.name()), withSelector(options, selector));
            case TOPIC, EXCHANGE -> {
                FilterSpec filter = selector == null ? null : FilterSpec.sql(selector);
                durableQueue = durableQueueName(f, id);
                Session.TopicSubscription spec = durableQueue == null
                        ? new Session.TopicSubscription(d.name(), d.key(), null, null, filter, null)
                        : new Session.TopicSubscription(d.name(), d.key(), durableQueue, durableQueue, filter, null);
                subscribed = session.subscribe(spec, options);
            }
            default -> throw new IllegalStateException(d.kind().name());
        }
        String durable = durableQueue;
        track(subscribed).whenComplete((sub, t) -> {
            if (t != null) {
                fail(f, BrokerException.from(t));
                return;
            }
            if (state != State.CONNECTED) {
                sub.close();
                return;
            }
            register(new StompSubscription(subscriptionId, ack, sub, durable, prefetch));
            receipt(f);
        });
    }

    private void register(StompSubscription s) {
        subscriptions.put(s.id, s);
        byCore.put(s.core, s);
    }

    private static ConsumeOptions withSelector(ConsumeOptions o, String selector) {
        return selector == null ? o : o.withFilter(FilterSpec.sql(selector));
    }

    private int prefetch(StompFrame f) {
        String p = f.header("activemq.prefetchSize");
        if (p == null) {
            p = f.header("prefetch-count");
        }
        if (p == null) {
            return settings.defaultPrefetch();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw BrokerException.invalid("prefetch must be a positive whole number, was '" + p + "'");
    }

    /**
     * The queue of a durable topic subscription: ActiveMQ style ({@code activemq.subscriptionName} with the
     * CONNECT {@code client-id}) or RabbitMQ style ({@code durable:true} or {@code persistent:true} with the
     * subscription id). Named {@code CLIENT.SUBSCRIPTION}; null for a non-durable subscription.
     */
    private String durableQueueName(StompFrame f, String id) {
        String name = f.header("activemq.subscriptionName");
        if (name == null && ("true".equals(f.header("durable")) || "true".equals(f.header("persistent")))) {
            name = id;
        }
        if (name == null) {
            return null;
        }
        String client = clientId != null ? clientId : session.principal().name();
        return client + "." + name;
    }

    private void onUnsubscribe(StompFrame f) {
        String id = f.header("id");
        if (id == null) {
            if (version != StompVersion.V1_0) {
                throw BrokerException.invalid("UNSUBSCRIBE needs an id header in STOMP " + version.text());
            }
            id = f.header("destination");
        }
        boolean removeDurable = f.hasHeader("activemq.subscriptionName") || "true".equals(f.header("durable"))
                || "true".equals(f.header("persistent"));
        StompSubscription s = id == null ? null : subscriptions.remove(id);
        if (s == null) {
            String queue = removeDurable && id != null ? durableQueueName(f, id) : null;
            if (queue != null && session.admin().queueExists(queue)) {
                // ActiveMQ removes a durable subscription that is not active by unsubscribing its name.
                track(session.admin().deleteQueue(queue, false, false)).whenComplete((n, t) -> done(f, t));
                return;
            }
            throw BrokerException.notFound("no subscription with id '" + id + "' on this connection");
        }
        for (String ackId : s.pendingAckIds()) {
            pendingAcks.remove(ackId);
        }
        CompletableFuture<?> closed = cancel(s);
        if (removeDurable && s.durableQueue != null) {
            closed = closed.thenCompose(v -> session.admin().deleteQueue(s.durableQueue, false, false));
        }
        track(closed).whenComplete((v, t) -> done(f, t));
    }

    // ------------------------------------------------------------------ ACK / NACK

    private void onAck(StompFrame f, boolean accept) {
        String header = version == StompVersion.V1_2 ? "id" : "message-id";
        String ackId = f.header(header);
        if (ackId == null) {
            throw BrokerException.invalid(f.command() + " needs a " + header + " header in STOMP " + version.text());
        }
        PendingAck p = pendingAcks.get(ackId);
        if (p == null) {
            throw BrokerException.notFound("no message with " + header + " '" + ackId
                    + "' is waiting for acknowledgement on this connection");
        }
        Outcome outcome = accept ? Outcome.ACCEPT
                : "false".equals(f.header("requeue")) ? Outcome.reject("rejected by the client (NACK with requeue:false)")
                : Outcome.REQUEUE;
        Tx tx = txFor(f);
        StompSubscription s = p.subscription();
        List<Map.Entry<String, Delivery>> settled = s.settle(ackId);
        List<CompletableFuture<Void>> results = new ArrayList<>(settled.size());
        for (Map.Entry<String, Delivery> e : settled) {
            // Settled ids are forgotten at once: acknowledging one twice is an error, as in ActiveMQ.
            pendingAcks.remove(e.getKey());
            results.add(session.settle(e.getValue(), outcome, tx));
        }
        s.core.credit(settled.size());
        track(CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))).whenComplete((v, t) -> done(f, t));
    }

    // ------------------------------------------------------------------ transactions

    private void onBegin(StompFrame f) {
        String name = requireTxName(f);
        if (transactions.containsKey(name)) {
            throw BrokerException.illegalState("transaction '" + name + "' is already open");
        }
        transactions.put(name, session.begin());
        receipt(f);
    }

    private void onEndTx(StompFrame f, boolean commit) {
        String name = requireTxName(f);
        Tx tx = transactions.remove(name);
        if (tx == null) {
            throw BrokerException.notFound("no open transaction '" + name + "' on this connection");
        }
        track(commit ? session.commit(tx) : session.rollback(tx)).whenComplete((v, t) -> done(f, t));
    }

    private String requireTxName(StompFrame f) {
        String name = f.header("transaction");
        if (name == null || name.isEmpty()) {
            throw BrokerException.invalid(f.command() + " needs a transaction header");
        }
        return name;
    }

    private Tx txFor(StompFrame f) {
        String name = f.header("transaction");
        if (name == null) {
            return null;
        }
        Tx tx = transactions.get(name);
        if (tx == null) {
            throw BrokerException.notFound("no open transaction '" + name + "' on this connection (BEGIN it first)");
        }
        return tx;
    }

    // ------------------------------------------------------------------ DISCONNECT

    private void onDisconnect(StompFrame f) {
        state = State.CLOSED;
        // Receipt only once everything the client sent before has been dealt with, and once the queues have
        // stopped handing out messages: an auto-acknowledged one already on its way is written before it.
        List<CompletableFuture<?>> awaited = new ArrayList<>(inProgress);
        for (StompSubscription s : subscriptions.values()) {
            awaited.add(cancel(s));
        }
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

    /**
     * Closes a subscription's consumer. The subscription stays known until the close completes: deliveries
     * its queue handed out meanwhile are settled ones (written to the client, see {@link #deliver}) or ones
     * the queue takes back when it closes the consumer.
     */
    private CompletableFuture<Void> cancel(StompSubscription s) {
        s.cancelling = true;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        s.core.close().whenComplete((v, t) -> executor().execute(() -> {
            byCore.remove(s.core);
            if (t != null) {
                closed.completeExceptionally(t);
            } else {
                closed.complete(null);
            }
        }));
        return closed;
    }

    @Override
    public void deliver(Delivery d) {
        StompSubscription s = byCore.get(d.subscription());
        if (s == null) {
            return;
        }
        boolean live = !s.cancelling && state != State.CLOSED;
        if (!live && (d.needsSettlement() || !ctx.channel().isActive())) {
            // A delivery awaiting an ACK goes back to its queue when the consumer closes. A settled one
            // still goes to a client that is there: nothing can take it back.
            return;
        }
        String ackId = Long.toString(++nextAckId);
        boolean needsAck = s.ack != AckMode.AUTO;
        if (needsAck) {
            s.awaitAck(ackId, d);
            pendingAcks.put(ackId, new PendingAck(s));
        }
        StompFrame frame = StompMessages.toMessageFrame(d, s.id, ackId, needsAck, version,
                StompDestination.describe(d.message().address(), d.message().routingKey()));
        if (needsAck || !live) {
            ctx.write(frame, ctx.voidPromise());
        } else {
            // Auto mode is settled on hand-out: credit comes back as frames reach the socket, so a slow
            // reader holds at most a window of messages in this connection's buffers.
            ctx.write(frame).addListener(w -> {
                if (w.isSuccess() && s.owedCredit.owe()) {
                    grantOwedCredit(s);
                }
            });
        }
    }

    private void grantOwedCredit(StompSubscription s) {
        if (ctx.channel().isWritable() && !s.cancelling && subscriptions.get(s.id) == s) {
            s.owedCredit.giveBack();
        }
    }

    @Override
    public void flush() {
        ctx.flush();
        // Whatever is owed after a batch is granted now, not held back until half a window fills.
        for (StompSubscription s : subscriptions.values()) {
            if (s.ack == AckMode.AUTO) {
                grantOwedCredit(s);
            }
        }
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        StompSubscription s = byCore.remove(subscription);
        if (s != null) {
            subscriptions.remove(s.id);
            sendErrorAndClose("Subscription closed", "subscription '" + s.id + "' ended: " + reason.getMessage(), null);
        }
    }

    // ------------------------------------------------------------------ replies

    private <T> CompletableFuture<T> track(CompletableFuture<T> op) {
        if (!op.isDone()) {
            inProgress.add(op);
            op.whenComplete((v, t) -> executor().execute(() -> inProgress.remove(op)));
        }
        return op;
    }

    private void done(StompFrame f, Throwable t) {
        if (t != null) {
            fail(f, BrokerException.from(t));
        } else {
            receipt(f);
        }
    }

    private void receipt(StompFrame f) {
        String receipt = f.header("receipt");
        if (receipt != null && ctx.channel().isActive()) {
            ctx.writeAndFlush(StompFrame.of("RECEIPT", null, "receipt-id", receipt));
        }
    }

    private void fail(StompFrame f, BrokerException e) {
        fail(f, summary(e.code()), e.getMessage());
    }

    private void fail(StompFrame f, String summary, String detail) {
        String context = f == null ? "" : "\n\nwhile processing " + f.command()
                + (f.header("destination") == null ? "" : " to " + f.header("destination"));
        sendErrorAndClose(summary, detail + context, f == null ? null : f.header("receipt"));
    }

    /** STOMP says the server closes the connection after an ERROR frame. */
    private void sendErrorAndClose(String summary, String detail, String receiptId) {
        if (state == State.CLOSED && !ctx.channel().isActive()) {
            return;
        }
        state = State.CLOSED;
        String firstLine = detail.lines().findFirst().orElse(detail);
        StompFrame.Builder b = StompFrame.builder("ERROR")
                .header("message", summary + ": " + firstLine)
                .header("content-type", "text/plain");
        if (receiptId != null) {
            b.header("receipt-id", receiptId);
        }
        if (version != StompVersion.V1_0) {
            b.header("version", version.text());
        }
        ctx.writeAndFlush(b.body(detail.getBytes(StandardCharsets.UTF_8)).build())
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static String summary(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED -> "Authentication failed";
            case UNAUTHORIZED -> "Access refused";
            case NOT_FOUND -> "Not found";
            case PRECONDITION_FAILED -> "Precondition failed";
            case RESOURCE_LOCKED -> "Resource locked";
            case RESOURCE_LIMIT_EXCEEDED -> "Resource limit exceeded";
            case DISK_FULL -> "Disk full";
            case INVALID_ARGUMENT -> "Bad frame";
            case ILLEGAL_STATE -> "Illegal state";
            case UNAVAILABLE -> "Unavailable";
            case INTERNAL -> "Internal error";
        };
    }

    private void updateAutoRead() {
        boolean read = state != State.AUTHENTICATING && pendingSends < settings.maxPendingSends();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }
}
