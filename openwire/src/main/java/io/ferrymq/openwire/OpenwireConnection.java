package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.ChannelReporter;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.BrokerVersion;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.HandshakeDeadline;
import io.ferrymq.transport.IoErrors;
import io.ferrymq.transport.SessionOpening;
import io.ferrymq.transport.AdministrativeClose;
import io.ferrymq.transport.ShutdownNotice;
import io.ferrymq.transport.TransportFault;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import jakarta.jms.JMSException;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.BrokerId;
import org.apache.activemq.command.BrokerInfo;
import org.apache.activemq.command.Command;
import org.apache.activemq.command.ConnectionError;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.DestinationInfo;
import org.apache.activemq.command.ExceptionResponse;
import org.apache.activemq.command.KeepAliveInfo;
import org.apache.activemq.command.MessageAck;
import org.apache.activemq.command.MessageDispatch;
import org.apache.activemq.command.MessagePull;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.command.ProducerInfo;
import org.apache.activemq.command.RemoveInfo;
import org.apache.activemq.command.RemoveSubscriptionInfo;
import org.apache.activemq.command.Response;
import org.apache.activemq.command.SessionId;
import org.apache.activemq.command.SessionInfo;
import org.apache.activemq.command.ShutdownInfo;
import org.apache.activemq.command.TransactionInfo;
import org.apache.activemq.command.WireFormatInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One OpenWire connection: WireFormatInfo negotiation, the login (ConnectionInfo), keep-alives, and the commands
 * of its JMS sessions, each handed to the part that deals with it: {@link OpenwireSends},
 * {@link OpenwireConsumers}, {@link OpenwireTransactions}, {@link OpenwireTempQueues}. Every command that asks
 * for a response gets a Response, or an ExceptionResponse carrying the JMS exception of its failure. Everything
 * runs on the channel's event loop.
 */
final class OpenwireConnection extends ChannelInboundHandlerAdapter implements DeliverySink, ChannelReporter {

    private static final Logger LOG = LoggerFactory.getLogger(OpenwireConnection.class);
    private static final BrokerId BROKER_ID = new BrokerId("ferrymq");

    private enum State { NEGOTIATING, AWAITING_CONNECTION_INFO, AUTHENTICATING, CONNECTED, CLOSED }

    private final Broker broker;
    final OpenwireSettings settings;
    private final ConnectionContext context;
    private final OpenwireCodec codec;
    final TempDestinations temps;
    final ProducerAudit audit;
    final Advisories advisories;
    final OpenwireSends sends = new OpenwireSends(this);
    final OpenwireConsumers consumers = new OpenwireConsumers(this);
    final OpenwireTransactions transactions = new OpenwireTransactions(this);
    final OpenwireTempQueues tempQueues = new OpenwireTempQueues(this);
    final Map<ProducerId, ProducerInfo> producers = new HashMap<>();
    private final java.util.Set<SessionId> sessions = new java.util.HashSet<>();
    private final java.util.Set<SessionId> refusedSessions = new java.util.HashSet<>();

    ChannelHandlerContext ctx;
    private State state = State.NEGOTIATING;
    long connectionId;
    /** A failover client: it repeats unanswered sends after a reconnect, so its sends go through the audit. */
    boolean faultTolerant;
    /** The JMS client id: names durable subscriptions. */
    String clientId;
    private ConnectionId openwireConnectionId;
    Session session;
    private HandshakeDeadline connectDeadline;
    private final ArrayDeque<Command> heldWhileAuthenticating = new ArrayDeque<>();
    /** The messages of the current read from the socket, sent at its end ({@link #sendReadMessages}). */
    private final List<Command> readMessages = new ArrayList<>();

    OpenwireConnection(Broker broker, OpenwireSettings settings, ConnectionContext context, OpenwireCodec codec,
                       TempDestinations temps, ProducerAudit audit, Advisories advisories) {
        this.broker = broker;
        this.audit = audit;
        this.advisories = advisories;
        this.settings = settings;
        this.context = context;
        this.codec = codec;
        this.temps = temps;
    }

    boolean isConnected() {
        return state == State.CONNECTED;
    }

    Broker broker() {
        return broker;
    }

    /** The frame {@code m} came in, if the codec kept it ({@link OpenwireCodec#takeFrame}). */
    ReceivedFrame takeFrame(ActiveMQMessage m) {
        return codec.takeFrame(m);
    }

    /**
     * A dispatch of {@code frame} to consumer {@code c} if this connection can send the frame as it is, else null.
     */
    MessageDispatch frameDispatch(OpenwireConsumer c, ReceivedFrame frame, long sequence, int redeliveries) {
        if (!codec.canPassOn(frame)) {
            return null;
        }
        if (c.frameHeader == null) {
            try {
                c.frameHeader = codec.dispatchHeader(c.info.getConsumerId(), c.info.getDestination());
            } catch (IOException e) {
                return null;
            }
        }
        return new FrameDispatch(frame, c.frameHeader, sequence, redeliveries);
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connectionId = broker.newConnectionId();
        // The broker speaks first as well: the client waits for this before it sends anything but its own.
        ctx.writeAndFlush(codec.offered());
        connectDeadline = HandshakeDeadline.start(ctx, settings.connectTimeoutMillis(), () -> {
            if (state == State.NEGOTIATING || state == State.AWAITING_CONNECTION_INFO) {
                LOG.info("OpenWire connection {} from {}: no WireFormatInfo and ConnectionInfo within {} ms, closing",
                        connectionId, ctx.channel().remoteAddress(), settings.connectTimeoutMillis());
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Command c = (Command) msg;
        if (c instanceof KeepAliveInfo keepAlive) {
            if (keepAlive.isResponseRequired()) {
                keepAlive.setResponseRequired(false);
                ctx.writeAndFlush(keepAlive);
            }
            return;
        }
        switch (state) {
            case NEGOTIATING -> {
                if (c instanceof WireFormatInfo info) {
                    negotiate(info);
                } else {
                    protocolError("the first command must be WireFormatInfo, not " + c.getClass().getSimpleName());
                }
            }
            case AWAITING_CONNECTION_INFO -> {
                if (c instanceof ConnectionInfo info) {
                    onConnectionInfo(info);
                } else if (c instanceof ShutdownInfo || c instanceof RemoveInfo) {
                    ctx.close();
                } else if (!(c instanceof WireFormatInfo)) {
                    fail(c, OpenwireErrors.of(BrokerException.illegalState("the connection is not open yet: send"
                            + " ConnectionInfo before " + c.getClass().getSimpleName())));
                }
            }
            case AUTHENTICATING -> heldWhileAuthenticating.add(c);
            case CONNECTED -> {
                if (c instanceof ActiveMQMessage) {
                    readMessages.add(c);
                } else {
                    // In order: the messages before this command go first.
                    sendReadMessages();
                    dispatch(c);
                }
            }
            case CLOSED -> { }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        sendReadMessages();
        ctx.fireChannelReadComplete();
    }

    /**
     * The messages of this read, sent together ({@link Session#batched}): a read brings tens of messages, and a
     * queue started for each of them would have its worker interrupt this connection for each on a busy core.
     */
    private void sendReadMessages() {
        if (readMessages.isEmpty()) {
            return;
        }
        List<Command> batch = List.copyOf(readMessages);
        readMessages.clear();
        session.batched(() -> {
            for (Command c : batch) {
                if (state == State.CONNECTED) {
                    dispatch(c);
                }
            }
        });
    }

    private void dispatch(Command c) {
        try {
            if (c instanceof ActiveMQMessage m) {
                sends.onMessage(m);
            } else if (c instanceof MessageAck ack) {
                consumers.onAck(ack);
            } else if (c instanceof MessagePull pull) {
                consumers.onPull(pull);
            } else if (c instanceof ConsumerInfo info) {
                refuseInRefusedSession(info.getConsumerId().getParentId());
                consumers.onConsumerInfo(info);
            } else if (c instanceof ProducerInfo info) {
                refuseInRefusedSession(info.getProducerId().getParentId());
                producers.put(info.getProducerId(), info);
                advisories.producerAdded(info);
                respond(c);
            } else if (c instanceof SessionInfo info) {
                openSession(info);
                respond(c);
            } else if (c instanceof RemoveInfo remove) {
                onRemove(remove);
            } else if (c instanceof TransactionInfo info) {
                transactions.onTransactionInfo(info);
            } else if (c instanceof DestinationInfo info) {
                tempQueues.onDestinationInfo(info);
            } else if (c instanceof RemoveSubscriptionInfo info) {
                consumers.onRemoveSubscription(info);
            } else if (c instanceof ShutdownInfo) {
                onShutdown();
            } else if (c instanceof ConnectionInfo) {
                throw BrokerException.illegalState("this connection is open already");
            } else if (c instanceof WireFormatInfo) {
                throw BrokerException.illegalState("the wire format was negotiated already");
            } else {
                // ConnectionControl, ConsumerControl, FlushCommand, ControlCommand: nothing for a single broker.
                respond(c);
            }
        } catch (BrokerException e) {
            fail(c, OpenwireErrors.of(e));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // What was read before the failure is handled first, as it would have been without the batching.
        sendReadMessages();
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof OpenwireProtocolException) {
            protocolError(c.getMessage());
        } else if (!IoErrors.closeOnIoError(ctx, c, LOG, "OpenWire connection " + connectionId)) {
            LOG.warn("OpenWire connection {}: unexpected failure, closing", connectionId, c);
            ctx.close();
        }
    }

    private void protocolError(String reason) {
        LOG.info("OpenWire connection {} from {}: {}, closing", connectionId, ctx.channel().remoteAddress(), reason);
        state = State.CLOSED;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(new KeepAliveInfo());
            } else if (idle.state() == IdleState.READER_IDLE) {
                LOG.info("OpenWire connection {} from {}: nothing received within the negotiated max inactivity"
                        + " duration, closing", connectionId, ctx.channel().remoteAddress());
                state = State.CLOSED;
                ctx.close();
            }
            return;
        }
        if (evt instanceof AdministrativeClose admin) {
            // As ActiveMQ when an operator stops a connection: the client's exception listener hears why, then the
            // socket closes.
            boolean tell = state == State.CONNECTED;
            state = State.CLOSED;
            if (tell) {
                ConnectionError error = new ConnectionError();
                error.setConnectionId(openwireConnectionId);
                error.setException(new JMSException(admin.reason()));
                ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        if (evt instanceof TransportFault || evt == ShutdownNotice.INSTANCE) {
            // The failover transport reconnects, to this broker once it is back or to another one.
            state = State.CLOSED;
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            consumers.writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sendReadMessages();
        state = State.CLOSED;
        if (connectDeadline != null) {
            connectDeadline.cancel();
        }
        consumers.connectionClosed();
        tempQueues.connectionClosed();
        producers.keySet().forEach(advisories::producerRemoved);
        if (openwireConnectionId != null) {
            advisories.connectionRemoved(openwireConnectionId);
        }
        if (session != null) {
            session.close();
            LOG.debug("OpenWire connection {} closed", connectionId);
        }
        ctx.fireChannelInactive();
    }

    // ------------------------------------------------------------------ negotiation and login

    private void negotiate(WireFormatInfo client) {
        if (!client.isValid()) {
            protocolError("the WireFormatInfo does not carry the OpenWire magic");
            return;
        }
        long theirs;
        long initialDelay;
        try {
            codec.negotiate(client);
            theirs = client.getMaxInactivityDuration();
            initialDelay = Math.max(0, client.getMaxInactivityDurationInitalDelay());
        } catch (IOException e) {
            protocolError("the wire format could not be negotiated: " + e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            // activemq-client carries the marshallers of versions 1 and 9 to 12 only.
            protocolError("the client's OpenWire version " + client.getVersion() + " is not supported (this broker"
                    + " speaks versions 1 and 9 to 12)");
            return;
        }
        state = State.AWAITING_CONNECTION_INFO;
        long ours = settings.maxInactivityMillis();
        long inactivity = ours == 0 || theirs <= 0 ? 0 : Math.min(ours, theirs);
        if (inactivity > 0) {
            // Keep-alives at a third of the interval, as ActiveMQ's InactivityMonitor sends them; silence from the
            // client for the whole interval (after its initial delay) ends the connection.
            ctx.pipeline().addBefore(ctx.name(), "openwire-inactivity", new IdleStateHandler(
                    inactivity + initialDelay, Math.max(1, inactivity / 3), 0, TimeUnit.MILLISECONDS));
        }
        LOG.debug("OpenWire connection {}: version {}, tight encoding {}, cache {}, max inactivity {} ms",
                connectionId, codec.version(), codec.tightEncoding(), codec.cacheEnabled(), inactivity);
    }

    private void onConnectionInfo(ConnectionInfo info) {
        openwireConnectionId = info.getConnectionId();
        clientId = info.getClientId();
        faultTolerant = info.isFaultTolerant();
        state = State.AUTHENTICATING;
        updateAutoRead();
        ClientInfo client = new ClientInfo(connectionId, "openwire-" + codec.version(), ctx.channel().remoteAddress(),
                context.listener(), clientId);
        SessionOpening.open(broker, Broker.DEFAULT_VHOST, client, info.getUserName(), info.getPassword(), this,
                () -> state == State.CLOSED, (s, e) -> {
                    if (e != null) {
                        LOG.info("OpenWire connection {} from {} refused: {}", connectionId, ctx.channel().remoteAddress(),
                                e.getMessage());
                        state = State.CLOSED;
                        ctx.writeAndFlush(exceptionResponse(info, OpenwireErrors.of(e)))
                                .addListener(ChannelFutureListener.CLOSE);
                        return;
                    }
                    connected(s, info);
                });
    }

    private void connected(Session s, ConnectionInfo info) {
        session = s;
        state = State.CONNECTED;
        connectDeadline.cancel();
        respond(info);
        advisories.connectionAdded(info);
        BrokerInfo brokerInfo = new BrokerInfo();
        brokerInfo.setBrokerId(BROKER_ID);
        brokerInfo.setBrokerName("FerryMQ " + BrokerVersion.text());
        ctx.writeAndFlush(brokerInfo);
        LOG.debug("OpenWire connection {} from {} as '{}' (client id '{}')", connectionId,
                ctx.channel().remoteAddress(), s.principal().name(), clientId);
        updateAutoRead();
        while (state == State.CONNECTED && !heldWhileAuthenticating.isEmpty()) {
            dispatch(heldWhileAuthenticating.poll());
        }
    }

    // ------------------------------------------------------------------ RemoveInfo, ShutdownInfo

    @Override
    public List<ChannelInfo> channels() {
        return sessions.stream().map(consumers::info).sorted(Comparator.comparingInt(ChannelInfo::number)).toList();
    }

    /** Counts a session against {@code limits.max-channels-per-connection}, refusing the one past it. */
    private void openSession(SessionInfo info) {
        int limit = broker.maxChannelsPerConnection();
        if (limit > 0 && !sessions.contains(info.getSessionId()) && sessions.size() >= limit) {
            String message = "this connection already has " + sessions.size()
                    + " sessions, its limit (limits.max-channels-per-connection)";
            refusedSessions.add(info.getSessionId());
            throw new BrokerException(io.ferrymq.core.errors.ErrorCode.RESOURCE_LIMIT_EXCEEDED, message);
        }
        sessions.add(info.getSessionId());
    }

    /**
     * The JMS client sends a session's SessionInfo without waiting for the answer, so its refusal reaches only the
     * exception listener: the producers and consumers it then creates in that session, which it waits for, are
     * refused with the reason too.
     */
    private void refuseInRefusedSession(SessionId id) {
        if (refusedSessions.contains(id)) {
            throw new BrokerException(io.ferrymq.core.errors.ErrorCode.RESOURCE_LIMIT_EXCEEDED, "session " + id
                    + " was refused: this connection has reached its limit of sessions"
                    + " (limits.max-channels-per-connection)");
        }
    }

    private void onRemove(RemoveInfo remove) {
        Object id = remove.getObjectId();
        if (id instanceof ConsumerId consumer) {
            track(remove, consumers.remove(consumer, remove.getLastDeliveredSequenceId()));
        } else if (id instanceof ProducerId producer) {
            producers.remove(producer);
            audit.forget(producer.toString());
            advisories.producerRemoved(producer);
            respond(remove);
        } else if (id instanceof SessionId sessionId) {
            sessions.remove(sessionId);
            refusedSessions.remove(sessionId);
            producers.keySet().removeIf(p -> {
                boolean ofSession = p.getParentId().equals(sessionId);
                if (ofSession) {
                    audit.forget(p.toString());
                    advisories.producerRemoved(p);
                }
                return ofSession;
            });
            track(remove, consumers.removeSession(sessionId, remove.getLastDeliveredSequenceId()));
        } else if (id instanceof ConnectionId) {
            producers.keySet().forEach(p -> {
                audit.forget(p.toString());
                advisories.producerRemoved(p);
            });
            producers.clear();
            // The client closes: what it had not acknowledged goes back before it hears the response.
            track(remove, consumers.removeAll(remove.getLastDeliveredSequenceId()));
        } else {
            respond(remove);
        }
    }

    private void onShutdown() {
        state = State.CLOSED;
        ctx.close();
    }

    // ------------------------------------------------------------------ deliveries (DeliverySink)

    @Override
    public Executor executor() {
        return ctx.channel().eventLoop();
    }

    @Override
    public void deliver(Delivery d) {
        consumers.deliver(d);
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        consumers.closedByBroker(subscription, reason);
    }

    // ------------------------------------------------------------------ responses

    /** The Response (or ExceptionResponse) of {@code c} once {@code op} completes. */
    void track(Command c, CompletableFuture<?> op) {
        op.whenComplete((v, t) -> {
            if (t != null || c.isResponseRequired()) {
                // Success of a command no one waits for (an asynchronous acknowledgement) needs no task.
                executor().execute(() -> done(c, t));
            }
        });
    }

    void done(Command c, Throwable t) {
        if (t == null) {
            respond(c);
        } else {
            fail(c, OpenwireErrors.of(BrokerException.from(t)));
        }
    }

    void respond(Command c) {
        if (c.isResponseRequired() && ctx.channel().isActive()) {
            Response r = new Response();
            r.setCorrelationId(c.getCommandId());
            ctx.writeAndFlush(r);
        }
    }

    /**
     * The failure of a command: an ExceptionResponse when the client waits for one, otherwise a ConnectionError,
     * which the JMS client hands to the connection's exception listener.
     */
    void fail(Command c, JMSException e) {
        LOG.info("OpenWire connection {}: {} refused: {}", connectionId, c.getClass().getSimpleName(), e.getMessage());
        if (!ctx.channel().isActive()) {
            return;
        }
        if (c.isResponseRequired()) {
            ctx.writeAndFlush(exceptionResponse(c, e));
        } else {
            asyncError(e);
        }
    }

    /** An error no command waits for: the JMS client hands it to the connection's exception listener. */
    void asyncError(JMSException e) {
        if (ctx.channel().isActive()) {
            ConnectionError error = new ConnectionError();
            error.setConnectionId(openwireConnectionId);
            error.setException(e);
            ctx.writeAndFlush(error);
        }
    }

    private static ExceptionResponse exceptionResponse(Command c, JMSException e) {
        ExceptionResponse r = new ExceptionResponse(e);
        r.setCorrelationId(c.getCommandId());
        return r;
    }

    /** Reads only while not authenticating and while the sends being stored stay within the window. */
    void updateAutoRead() {
        boolean read = state != State.AUTHENTICATING && sends.pending() < settings.maxPendingSends();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }
}
