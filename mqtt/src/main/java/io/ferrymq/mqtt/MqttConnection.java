package io.ferrymq.mqtt;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.Permission;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.HandshakeDeadline;
import io.ferrymq.transport.IoErrors;
import io.ferrymq.transport.ReadThrottle;
import io.ferrymq.transport.ReplyFlush;
import io.ferrymq.transport.SessionOpening;
import io.ferrymq.transport.AdministrativeClose;
import io.ferrymq.transport.ShutdownNotice;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.mqtt.ReasonCodes.*;

/**
 * One MQTT connection: a state machine from CONNECT to close. It authenticates through the core, claims
 * the client's session from the hub (taking it over from an older connection of the same client),
 * then hands publishes to {@link InboundFlow}, deliveries to {@link OutboundFlow} and subscription
 * changes to {@link Subscriptions}. Everything runs on the channel's event loop.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements DeliverySink {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    /** Where Netty's codec keeps the protocol version it decoded from CONNECT. */
    private static final AttributeKey<MqttVersion> CODEC_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private enum State { AWAITING_CONNECT, CONNECTING, CONNECTED, CLOSED }

    final MqttHub hub;
    private final ConnectionContext context;
    final InboundFlow inbound = new InboundFlow(this);
    final OutboundFlow outbound = new OutboundFlow(this);
    final Subscriptions subscriptions = new Subscriptions(this);

    ChannelHandlerContext ctx;
    /** The client's MQTT session, once claimed. */
    ClientSession session;
    /** The broker session the client acts through, once authenticated. */
    Session core;
    int clientReceiveMaximum = 65_535;

    private State state = State.AWAITING_CONNECT;
    private boolean closing;
    private MqttVersion version = MqttVersion.MQTT_3_1_1;
    private boolean problemInformation = true;
    private String clientId = "?";
    private long connectionId;
    private WillMessage will;
    private boolean counted;
    private boolean takenOver;
    private boolean takeoverKeepsSession;
    private HandshakeDeadline connectDeadline;
    private ReadThrottle throttle;
    /** PUBACKs, PUBRECs, PUBRELs, PUBCOMPs and PINGRESPs: flushed once per read batch or batch of completions. */
    ReplyFlush replies;
    private final ArrayDeque<MqttMessage> held = new ArrayDeque<>();
    /** The last routing key delivered and its topic name (see topicOfKey); event loop only. */
    private String lastKey;
    private String lastTopic;
    /** Completes once an older connection of the same client has let go of the session. */
    private CompletableFuture<Void> previousReleased = CompletableFuture.completedFuture(null);
    /** Completes once this connection let go of its session, for a connection taking it over. */
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    MqttConnection(MqttHub hub, ConnectionContext context) {
        this.hub = hub;
        this.context = context;
    }

    boolean v5() {
        return version == MqttVersion.MQTT_5;
    }

    boolean isOpen() {
        return state == State.CONNECTED && !closing;
    }

    /** A reason string for an acknowledgement, unless the client asked not to get them (MQTT 5, 3.1.2.11.7). */
    String why(String reason) {
        return problemInformation ? reason : null;
    }

    void inLoop(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    // ------------------------------------------------------------------ channel events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connectionId = hub.broker.newConnectionId();
        this.throttle = new ReadThrottle(ctx.channel());
        this.replies = new ReplyFlush(ctx);
        long timeout = hub.settings().connectTimeoutMillis();
        connectDeadline = HandshakeDeadline.start(ctx, timeout, () -> {
            if (state == State.AWAITING_CONNECT) {
                LOG.info("MQTT connection {} from {}: no CONNECT within {} ms, closing", connectionId,
                        ctx.channel().remoteAddress(), timeout);
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.CONNECTING) {
            held.add(m); // released after the CONNACK, in order
            return;
        }
        try {
            read(m);
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    private void read(MqttMessage m) {
        if (state == State.CLOSED || closing) {
            return;
        }
        if (m.decoderResult().isFailure()) {
            decodingFailed(m.decoderResult().cause());
            return;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (state == State.AWAITING_CONNECT) {
            if (type == MqttMessageType.CONNECT) {
                onConnect((MqttConnectMessage) m);
            } else {
                // MQTT 3.1.4-1 / 4.8: the first packet must be CONNECT; anything else closes the connection.
                close("the first packet must be CONNECT, not " + type);
            }
            return;
        }
        switch (type) {
            case PUBLISH -> inbound.onPublish((MqttPublishMessage) m);
            case PUBACK -> outbound.onPubAck(packetId(m));
            case PUBREC -> outbound.onPubRec(packetId(m), m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r
                    ? r.reasonCode() & 0xff : 0);
            case PUBREL -> inbound.onPubRel(packetId(m));
            case PUBCOMP -> outbound.onPubComp(packetId(m));
            case SUBSCRIBE -> subscriptions.onSubscribe((MqttSubscribeMessage) m);
            case UNSUBSCRIBE -> subscriptions.onUnsubscribe((MqttUnsubscribeMessage) m);
            case PINGREQ -> {
                ctx.write(Packets.PINGRESP);
                replies.request();
            }
            case DISCONNECT -> onDisconnect(m);
            case CONNECT -> protocolError("a second CONNECT on a connected session");
            case AUTH -> protocolError("AUTH without an authentication method: enhanced authentication is not in use");
            default -> protocolError("a client does not send " + type);
        }
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    private void decodingFailed(Throwable cause) {
        if (state == State.AWAITING_CONNECT) {
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                // The level is unknown, so the answer is in the oldest format every version reads.
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                        MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
                        "unsupported protocol name or level; FerryMQ speaks MQTT 3.1, 3.1.1 and 5.0");
                return;
            }
            MqttVersion decoded = ctx.channel().attr(CODEC_VERSION).get();
            if (decoded != null) {
                version = decoded;
            }
            if (cause instanceof MqttIdentifierRejectedException) {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
                        MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID,
                        "invalid client identifier: " + cause.getMessage());
            } else if (cause instanceof TooLongFrameException) {
                refuse(null, MqttConnectReturnCode.CONNECTION_REFUSED_PACKET_TOO_LARGE,
                        "CONNECT is larger than the broker's maximum packet size: " + cause.getMessage());
            } else {
                refuse(null, MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET,
                        "malformed CONNECT: " + cause.getMessage());
            }
            return;
        }
        if (cause instanceof TooLongFrameException) {
            disconnect(PACKET_TOO_LARGE, "packet larger than the broker's maximum packet size of "
                    + hub.settings().maxPacketBytes() + " bytes");
        } else if (String.valueOf(cause.getMessage()).startsWith("invalid publish topic name")) {
            disconnect(TOPIC_NAME_INVALID, cause.getMessage() + "; wildcards are for subscriptions only");
        } else {
            disconnect(MALFORMED_PACKET, "malformed packet: " + cause.getMessage());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            disconnect(KEEP_ALIVE_TIMEOUT, "nothing received from the client for 1.5 times its keep-alive");
            return;
        }
        if (evt instanceof AdministrativeClose admin) {
            if (state == State.CONNECTED) {
                disconnect(ReasonCodes.ADMINISTRATIVE_ACTION, admin.reason());
            } else {
                ctx.close();
            }
            return;
        }
        if (evt == ShutdownNotice.INSTANCE) {
            if (state == State.CONNECTED) {
                disconnect(SERVER_SHUTTING_DOWN, "the broker is shutting down");
            } else {
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        replies.readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!IoErrors.closeOnIoError(ctx, cause, LOG, "MQTT connection " + connectionId + " ('" + clientId + "')")) {
            LOG.warn("MQTT connection {} ('{}'): unexpected failure, closing", connectionId, clientId, cause);
            disconnect(UNSPECIFIED, "the broker failed to process a packet: " + cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        connectDeadline.cancel();
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        if (counted) {
            hub.connected.decrementAndGet();
            counted = false;
        }
        // An older connection may still be letting go of the session: touch it only after that.
        previousReleased.whenComplete((v, t) -> inLoop(this::releaseSession));
        ctx.fireChannelInactive();
    }

    private void releaseSession() {
        if (session != null) {
            outbound.connectionLost();
            subscriptions.closeAll();
        }
        CompletableFuture<Void> coreClosed = core == null ? CompletableFuture.completedFuture(null) : core.closeAsync();
        coreClosed.whenComplete((v, t) -> inLoop(() -> {
            if (session != null) {
                if (takenOver) {
                    hub.persist(session);
                }
                hub.released(session, this);
                sendWill();
                LOG.debug("MQTT connection {} of '{}' closed", connectionId, clientId);
            }
            released.complete(null);
        }));
    }

    /** The will goes out unless the client said a clean goodbye, after its delay if the session lives on. */
    private void sendWill() {
        if (will == null) {
            return;
        }
        WillMessage w = will;
        will = null;
        long delay;
        if (takenOver) {
            if (takeoverKeepsSession && w.delaySeconds() > 0) {
                return; // the client is back before the delay ran out (MQTT 5, 3.1.3.2.2)
            }
            delay = 0;
        } else {
            delay = session.persistent() ? Math.min(w.delaySeconds(), session.expirySeconds) : 0;
        }
        hub.publishWill(session.vhost, session.clientId, new WillMessage(w.topic(), w.message(), w.retain(), delay));
    }

    // ------------------------------------------------------------------ CONNECT

    /** What CONNECT and the broker's limits settled on, for the CONNACK. */
    private record Terms(boolean idAssigned, long expiry, boolean announceExpiry, int keepAlive,
                         boolean announceKeepAlive) { }

    /** Who the client says it is: "vhost:user" picks the virtual host (RabbitMQ's convention). */
    private record Login(String vhost, String username, String password) { }

    /**
     * CONNECT, in steps: what the packet asks for is checked and settled first (any step may refuse and close),
     * then the core authenticates off the event loop, and {@link #opened} claims the client's session.
     */
    private void onConnect(MqttConnectMessage m) {
        MqttConnectVariableHeader h = m.variableHeader();
        MqttConnectPayload p = m.payload();
        version = MqttVersion.fromProtocolNameAndLevel(h.name(), (byte) h.version());
        MqttProperties props = h.properties();
        if (v5() && props.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null) {
            refuse(null, MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD,
                    "enhanced authentication is not supported; authenticate with user name and password");
            return;
        }
        Boolean idAssigned = takeClientId(h, p);
        if (idAssigned == null || v5() && !readClientLimits(props)) {
            return;
        }
        Terms terms = negotiate(h, props, idAssigned);
        Login login = login(h, p);
        if (h.isWillFlag() && !takeWill(h, p, login.username())) {
            return;
        }
        state = State.CONNECTING;
        updateAutoRead();
        ClientInfo client = new ClientInfo(connectionId, "mqtt-" + versionText(), ctx.channel().remoteAddress(),
                context.listener(), clientId);
        boolean cleanStart = h.isCleanSession();
        // Mutual TLS: a CONNECT without password logs in as the user the client certificate maps to.
        if (SessionOpening.byCertificate(ctx.channel(), login.username(), login.password())) {
            SessionOpening.openByCertificate(hub.broker, ctx.channel(), login.vhost(), client, this,
                    () -> state == State.CLOSED, (s, e) -> opened(s, e, cleanStart, terms));
        } else {
            SessionOpening.open(hub.broker, login.vhost(), client, login.username(), login.password(), this,
                    () -> state == State.CLOSED, (s, e) -> opened(s, e, cleanStart, terms));
        }
    }

    /** The client id, or one the broker assigns. @return whether it was assigned; null after a refusal */
    private Boolean takeClientId(MqttConnectVariableHeader h, MqttConnectPayload p) {
        String id = p.clientIdentifier();
        if (id != null && !id.isEmpty()) {
            clientId = id;
            return false;
        }
        if (!v5() && !h.isCleanSession()) {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null,
                    "an empty client id is only allowed with a clean session");
            return null;
        }
        clientId = "ferrymq-" + UUID.randomUUID();
        return true;
    }

    /** What an MQTT 5 client says it can take (3.1.2.11). @return false after a refusal */
    private boolean readClientLimits(MqttProperties props) {
        Integer receiveMax = MessageMapping.intProperty(props, MqttProperties.RECEIVE_MAXIMUM);
        Integer maxPacket = MessageMapping.intProperty(props, MqttProperties.MAXIMUM_PACKET_SIZE);
        if (receiveMax != null && receiveMax == 0 || maxPacket != null && maxPacket == 0) {
            refuse(null, MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR,
                    "receive maximum and maximum packet size must not be 0");
            return false;
        }
        clientReceiveMaximum = receiveMax == null ? 65_535 : receiveMax;
        outbound.clientMaxPacketBytes = maxPacket == null ? Long.MAX_VALUE : Integer.toUnsignedLong(maxPacket);
        Integer aliasMax = MessageMapping.intProperty(props, MqttProperties.TOPIC_ALIAS_MAXIMUM);
        outbound.clientTopicAliasMaximum = aliasMax == null ? 0 : aliasMax;
        problemInformation = !Integer.valueOf(0).equals(
                MessageMapping.intProperty(props, MqttProperties.REQUEST_PROBLEM_INFORMATION));
        return true;
    }

    /** Session expiry and keep-alive: what the client asked for, within the broker's maximums. */
    private Terms negotiate(MqttConnectVariableHeader h, MqttProperties props, boolean idAssigned) {
        MqttSettings settings = hub.settings();
        long requestedExpiry;
        if (v5()) {
            Integer e = MessageMapping.intProperty(props, MqttProperties.SESSION_EXPIRY_INTERVAL);
            requestedExpiry = e == null ? 0 : Integer.toUnsignedLong(e);
        } else {
            requestedExpiry = h.isCleanSession() ? 0 : MqttSettings.EXPIRY_NEVER;
        }
        long expiry = Math.min(requestedExpiry, settings.maxSessionExpirySeconds());
        int keepAlive = h.keepAliveTimeSeconds();
        boolean keepAliveChanged = false;
        if (v5() && settings.maxKeepAliveSeconds() > 0 && (keepAlive == 0 || keepAlive > settings.maxKeepAliveSeconds())) {
            keepAlive = settings.maxKeepAliveSeconds();
            keepAliveChanged = true;
        }
        return new Terms(idAssigned, expiry, v5() && expiry != requestedExpiry, keepAlive, keepAliveChanged);
    }

    private Login login(MqttConnectVariableHeader h, MqttConnectPayload p) {
        String username = h.hasUserName() ? p.userName() : null;
        String password = h.hasPassword() && p.passwordInBytes() != null
                ? new String(p.passwordInBytes(), StandardCharsets.UTF_8) : null;
        if (username != null) {
            int colon = username.indexOf(':');
            if (colon > 0 && hub.broker.vhostNames().contains(username.substring(0, colon))) {
                return new Login(username.substring(0, colon), username.substring(colon + 1), password);
            }
        }
        return new Login(Broker.DEFAULT_VHOST, username, password);
    }

    /** The will, kept until the connection ends. @return false after a refusal */
    private boolean takeWill(MqttConnectVariableHeader h, MqttConnectPayload p, String username) {
        String invalid = TopicMapping.invalidTopicName(p.willTopic());
        if (invalid != null) {
            refuse(null, MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID, "will topic: " + invalid);
            return false;
        }
        MqttProperties wp = v5() ? p.willProperties() : null;
        Integer delay = wp == null ? null : MessageMapping.intProperty(wp, MqttProperties.WILL_DELAY_INTERVAL);
        Message message = MessageMapping.fromPublish(p.willTopic(), p.willMessageInBytes(), h.willQos(),
                h.isWillRetain(), wp, System.currentTimeMillis(), username);
        will = new WillMessage(p.willTopic(), message, h.isWillRetain(),
                delay == null ? 0 : Integer.toUnsignedLong(delay));
        return true;
    }

    /** The core authenticated the client (or not): the will's permission, then the client's session. */
    private void opened(Session s, BrokerException refusal, boolean cleanStart, Terms terms) {
        if (refusal != null) {
            authenticationFailed(refusal);
            return;
        }
        core = s;
        if (will != null) {
            try {
                core.checkTopicPermission(Permission.SEND, hub.settings().exchange(), TopicMapping.toKey(will.topic()));
            } catch (BrokerException e) {
                refuse(MqttErrors.connectRefused(e.code(), false), MqttErrors.connectRefused(e.code(), true),
                        "may not publish the will to '" + will.topic() + "': " + e.getMessage());
                return;
            }
        }
        MqttHub.Claim claim = hub.claim(core.vhostName(), clientId, this, cleanStart, terms.expiry());
        session = claim.session();
        if (claim.previous() != null) {
            previousReleased = claim.previous().takeOver(claim.present());
        }
        previousReleased.whenComplete((v, ignored) -> inLoop(() -> accept(claim.present(), terms)));
    }

    private String versionText() {
        return switch (version) {
            case MQTT_3_1 -> "3.1";
            case MQTT_3_1_1 -> "3.1.1";
            case MQTT_5 -> "5.0";
        };
    }

    private void authenticationFailed(BrokerException e) {
        refuse(MqttErrors.connectRefused(e.code(), false), MqttErrors.connectRefused(e.code(), true), e.getMessage());
    }

    private void accept(boolean present, Terms terms) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTED;
        connectDeadline.cancel();
        hub.connected.incrementAndGet();
        counted = true;
        MqttSettings settings = hub.settings();
        MqttProperties props = new MqttProperties();
        if (v5()) {
            props.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, settings.receiveMaximum()));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, settings.maxPacketBytes()));
            props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, settings.topicAliasMaximum()));
            if (terms.idAssigned()) {
                props.add(new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, clientId));
            }
            if (terms.announceKeepAlive()) {
                props.add(new MqttProperties.IntegerProperty(MqttProperties.SERVER_KEEP_ALIVE, terms.keepAlive()));
            }
            if (terms.announceExpiry()) {
                props.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                        (int) session.expirySeconds));
            }
        }
        ctx.writeAndFlush(new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(MqttConnectReturnCode.CONNECTION_ACCEPTED, present, props)));
        if (terms.keepAlive() > 0) {
            // MQTT 3.1.2.10: silence for one and a half keep-alive periods means the client is gone.
            ctx.pipeline().addBefore("mqtt-decoder", "mqtt-keep-alive",
                    new IdleStateHandler(terms.keepAlive() * 1500L, 0, 0, TimeUnit.MILLISECONDS));
        }
        LOG.debug("MQTT {} connection {} from {}: client '{}' as '{}' in vhost '{}', session {}", versionText(),
                connectionId, ctx.channel().remoteAddress(), clientId, core.principal().name(), core.vhostName(),
                present ? "resumed" : "new");
        if (present) {
            outbound.resume();
            subscriptions.resume().exceptionally(t -> {
                BrokerException e = BrokerException.from(t);
                inLoop(() -> disconnect(MqttErrors.disconnect(e.code()),
                        "the session's subscriptions could not be resumed: " + e.getMessage()));
                return null;
            });
        }
        updateAutoRead();
        while (isOpen() && !held.isEmpty()) {
            MqttMessage m = held.poll();
            try {
                read(m);
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** Another connection of the same client id takes the session: this one says so and closes. */
    CompletableFuture<Void> takeOver(boolean sessionContinues) {
        inLoop(() -> {
            takenOver = true;
            takeoverKeepsSession = sessionContinues;
            if (state == State.CLOSED) {
                return;
            }
            LOG.info("MQTT client '{}' connected again: connection {} taken over", clientId, connectionId);
            closing = true;
            if (v5() && state == State.CONNECTED) {
                ctx.writeAndFlush(Packets.disconnect(SESSION_TAKEN_OVER, "another connection took over the session"))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
        });
        return released;
    }

    /** Refuses a CONNECT with the code of the client's version (a null code: just close). */
    private void refuse(MqttConnectReturnCode v3, MqttConnectReturnCode v5code, String why) {
        LOG.info("MQTT connection {} from {} (client '{}') refused: {}", connectionId, ctx.channel().remoteAddress(),
                clientId, why);
        MqttConnectReturnCode code = v5() ? v5code : v3;
        state = State.CLOSED;
        if (code == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(code, false, Packets.reason(v5(), why))))
                .addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ DISCONNECT and errors

    private void onDisconnect(MqttMessage m) {
        byte reason = 0;
        if (v5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            reason = h.reasonCode();
            Integer expiry = MessageMapping.intProperty(h.properties(), MqttProperties.SESSION_EXPIRY_INTERVAL);
            if (expiry != null) {
                if (session.expirySeconds == 0 && expiry != 0) {
                    protocolError("a session that expires at disconnect cannot be given an expiry by DISCONNECT");
                    return;
                }
                session.expirySeconds = Math.min(Integer.toUnsignedLong(expiry), hub.settings().maxSessionExpirySeconds());
            }
        }
        if (reason != DISCONNECT_WITH_WILL) {
            will = null; // a normal DISCONNECT discards the will (MQTT 3.1.2.5)
        }
        closing = true;
        ctx.close();
    }

    void protocolError(String why) {
        disconnect(PROTOCOL_ERROR, why);
    }

    /** Closes the connection, telling an MQTT 5 client why; MQTT 3 has no way to say it. */
    void disconnect(byte reason, String why) {
        if (state == State.CLOSED || closing) {
            return;
        }
        LOG.info("MQTT connection {} from {} (client '{}'): {}; disconnecting (reason 0x{})", connectionId,
                ctx.channel().remoteAddress(), clientId, why, Integer.toHexString(reason & 0xff));
        closing = true;
        if (v5() && state == State.CONNECTED) {
            ctx.writeAndFlush(Packets.disconnect(reason, why)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    /** Closes without a DISCONNECT packet. */
    void close(String why) {
        if (state == State.CLOSED || closing) {
            return;
        }
        LOG.info("MQTT connection {} from {} (client '{}'): {}; closing", connectionId, ctx.channel().remoteAddress(),
                clientId, why);
        closing = true;
        ctx.close();
    }

    /** Reads while the connection can take packets and not too many publishes are being stored. */
    void updateAutoRead() {
        throttle.mark(ReadThrottle.Reason.HANDSHAKE, state == State.CONNECTING)
                .mark(ReadThrottle.Reason.CLOSING, state == State.CLOSED || closing)
                .mark(ReadThrottle.Reason.BACKLOG, inbound.storing() >= hub.settings().receiveMaximum())
                .apply();
    }

    // ------------------------------------------------------------------ DeliverySink

    @Override
    public Executor executor() {
        return ctx.executor();
    }

    @Override
    public void deliver(Delivery delivery) {
        if (!isOpen()) {
            return; // the core session is closing and puts it back
        }
        Message m = delivery.message();
        String topic;
        String key;
        if (m.property(MessageMapping.TOPIC) instanceof String named) {
            topic = named;
            key = TopicMapping.toKey(named);
        } else {
            key = m.routingKey();
            topic = topicOfKey(key);
        }
        outbound.deliver(delivery, subscriptions.matching(delivery, topic, key), topic);
    }

    /**
     * The MQTT topic of a routing key, remembered for the last key: a connection mostly receives runs of
     * the same topics, and the conversion allocates.
     */
    private String topicOfKey(String key) {
        if (!key.equals(lastKey)) {
            lastTopic = TopicMapping.toTopic(key);
            lastKey = key;
        }
        return lastTopic;
    }

    @Override
    public void flush() {
        ctx.flush();
        replies.flushed();
        outbound.grantOwedCredit();
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        if (isOpen()) {
            disconnect(reason == null ? ReasonCodes.ADMINISTRATIVE_ACTION : MqttErrors.disconnect(reason.code()),
                    "the queue '" + subscription.queueName() + "' behind the session was"
                    + " removed: " + (reason == null ? "" : reason.getMessage()));
        }
    }
}
