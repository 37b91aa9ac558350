package io.ferrymq.amqp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.ChannelReporter;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.transport.BrokerVersion;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transaction.Coordinator;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * One AMQP connection above the wire: the open and close exchange, sessions, and the links' handlers, on one
 * core session (transactions and temporary nodes belong to the connection, so one core session serves all
 * its AMQP sessions). Also the core's delivery sink: deliveries go to the link whose subscription made them.
 */
final class AmqpConnection implements DeliverySink, ChannelReporter {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);

    static final String BROKER_CONTAINER_ID = "FerryMQ";
    static final Symbol ANONYMOUS_RELAY = Symbol.valueOf("ANONYMOUS-RELAY");
    static final Symbol SHARED_SUBS = Symbol.valueOf("SHARED-SUBS");
    static final Symbol DELAYED_DELIVERY = Symbol.valueOf("DELAYED_DELIVERY");
    static final Symbol SOLE_CONNECTION = Symbol.valueOf("sole-connection-for-container");
    static final Symbol CONNECTION_ESTABLISHMENT_FAILED = Symbol.valueOf("amqp:connection-establishment-failed");
    static final Symbol INVALID_FIELD_KEY = Symbol.valueOf("invalid-field");
    static final Symbol CONTAINER_ID_FIELD = Symbol.valueOf("container-id");

    private enum State { AUTHENTICATING, AWAITING_OPEN, OPEN, CLOSED }

    private final Broker broker;
    private final AmqpSettings settings;
    private final ConnectionIo io;
    private final Connection endpoint;
    private final ClientInfo client;
    private final ContainerRegistry containers;
    private final Transactions transactions = new Transactions();
    private final Set<LinkHandler> links = new LinkedHashSet<>();
    private final Map<Subscription, OutgoingLink> outgoing = new IdentityHashMap<>();
    /** Queues this connection created as dynamic nodes: it consumes from them without a permission check. */
    private final Set<String> dynamicQueues = new HashSet<>();

    private State state = State.AUTHENTICATING;
    private BrokerPrincipal principal;
    /** Why the open is refused although the login passed (a connection limit); null to open. */
    private BrokerException refusal;
    private Session session;
    private String containerId;
    private String claimedContainer;

    AmqpConnection(Broker broker, AmqpSettings settings, ConnectionIo io, Connection endpoint, ClientInfo client,
                   ContainerRegistry containers) {
        this.broker = broker;
        this.settings = settings;
        this.io = io;
        this.endpoint = endpoint;
        this.client = client;
        this.containers = containers;
    }

    // ------------------------------------------------------------------ accessors for the link handlers

    Session session() {
        return session;
    }

    AmqpSettings settings() {
        return settings;
    }

    Transactions transactions() {
        return transactions;
    }

    String containerId() {
        return containerId;
    }

    long connectionId() {
        return client.connectionId();
    }

    boolean writable() {
        return io.writable();
    }

    void pump() {
        io.pump();
    }

    /** For completions: one pump for all that complete in the same batch of event-loop tasks. */
    void pumpSoon() {
        io.pumpSoon();
    }

    void registerOutgoing(Subscription s, OutgoingLink link) {
        outgoing.put(s, link);
    }

    void unregisterOutgoing(Subscription s) {
        outgoing.remove(s);
    }

    void addDynamicQueue(String name) {
        dynamicQueues.add(name);
    }

    boolean isDynamicQueue(String name) {
        return dynamicQueues.contains(name);
    }

    void removeDynamicQueue(String name) {
        dynamicQueues.remove(name);
    }

    String describe() {
        return "AMQP connection " + client.connectionId() + " from " + io.remoteAddress()
                + (containerId == null ? "" : " (container '" + containerId + "')");
    }

    // ------------------------------------------------------------------ authentication and open

    /** The vhost a hostname selects: {@code vhost:NAME} (RabbitMQ) or a vhost's own name; "/" otherwise. */
    String vhostFor(String hostname) {
        if (hostname == null) {
            return Broker.DEFAULT_VHOST;
        }
        if (hostname.startsWith("vhost:")) {
            return hostname.substring(6);
        }
        return broker.hasVirtualHost(hostname) ? hostname : Broker.DEFAULT_VHOST;
    }

    void authenticated(BrokerPrincipal who) {
        principal = who;
        state = State.AWAITING_OPEN;
    }

    /** The login passed but the connection may not open (a limit): the client's open is answered with {@code why}. */
    void refuseOpen(BrokerException why) {
        refusal = why;
        state = State.AWAITING_OPEN;
    }

    void onEvent(Event e) {
        switch (e.getType()) {
            case CONNECTION_REMOTE_OPEN -> onRemoteOpen();
            case CONNECTION_REMOTE_CLOSE -> onRemoteClose();
            case SESSION_REMOTE_OPEN -> onSessionOpen(e.getSession());
            case SESSION_REMOTE_CLOSE -> onSessionClose(e.getSession());
            case LINK_REMOTE_OPEN -> onLinkOpen(e.getLink());
            case LINK_REMOTE_DETACH -> {
                onLinkClose(e.getLink(), false);
                freeIfDone(e.getLink());
            }
            case LINK_REMOTE_CLOSE -> {
                onLinkClose(e.getLink(), true);
                freeIfDone(e.getLink());
            }
            case LINK_LOCAL_DETACH, LINK_LOCAL_CLOSE -> freeIfDone(e.getLink());
            case LINK_FLOW -> {
                LinkHandler h = handler(e.getLink());
                if (h != null) {
                    h.onFlow();
                }
            }
            case DELIVERY -> {
                LinkHandler h = handler(e.getDelivery().getLink());
                if (h != null) {
                    h.onDelivery(e.getDelivery());
                }
            }
            default -> { }
        }
    }

    /**
     * Frees a link once both ends have detached or closed it. Proton-J keeps links by name in their session,
     * and {@code detach()} leaves the local state active: without the free, a client that re-attaches the same
     * link name (a durable subscriber coming back) would get the old, finished link and no attach answer.
     * The detach frame still goes out: Proton's transport keeps its own reference until it is written.
     */
    private static void freeIfDone(Link link) {
        boolean localDone = link.getLocalState() == EndpointState.CLOSED || link.detached();
        if (localDone && link.getRemoteState() == EndpointState.CLOSED) {
            link.setContext(null);
            link.free();
        }
    }

    private static LinkHandler handler(Link link) {
        return link != null && link.getContext() instanceof LinkHandler h ? h : null;
    }

    private void onRemoteOpen() {
        if (state != State.AWAITING_OPEN) {
            return;
        }
        containerId = endpoint.getRemoteContainer();
        if (refusal != null) {
            refuseOpen(AmqpErrors.of(refusal));
            return;
        }
        String hostname = endpoint.getRemoteHostname();
        String vhost = vhostFor(hostname);
        if (!broker.hasVirtualHost(vhost)) {
            refuseOpen(AmqpErrors.of(AmqpErrors.NOT_FOUND, "no virtual host '" + vhost + "' (asked for by hostname '"
                    + hostname + "')"));
            return;
        }
        if (containerId != null && AmqpAddress.hasCapability(endpoint.getRemoteDesiredCapabilities(), SOLE_CONNECTION)) {
            if (!containers.claim(vhost, containerId, client.connectionId())) {
                ErrorCondition error = AmqpErrors.of(AmqpErrors.INVALID_FIELD, "container id (JMS client id) '"
                        + containerId + "' is in use by another connection; client ids must be unique");
                error.setInfo(Map.of(INVALID_FIELD_KEY, CONTAINER_ID_FIELD));
                refuseOpen(error);
                return;
            }
            claimedContainer = vhost;
        }
        try {
            session = broker.openAuthenticated(vhost, principal, client.withClientId(containerId), this);
        } catch (BrokerException e) {
            refuseOpen(AmqpErrors.of(e));
            return;
        }
        state = State.OPEN;
        endpoint.setContainer(BROKER_CONTAINER_ID);
        endpoint.setOfferedCapabilities(new Symbol[] {ANONYMOUS_RELAY, SHARED_SUBS, DELAYED_DELIVERY, SOLE_CONNECTION});
        Map<Symbol, Object> properties = new HashMap<>();
        properties.put(Symbol.valueOf("product"), "FerryMQ");
        properties.put(Symbol.valueOf("version"), BrokerVersion.text());
        endpoint.setProperties(properties);
        endpoint.open();
        io.opened();
        LOG.debug("{} opened as '{}' in vhost '{}'", describe(), principal.name(), vhost);
    }

    private void refuseOpen(ErrorCondition error) {
        LOG.info("{} refused: {}", describe(), error.getDescription());
        state = State.CLOSED;
        endpoint.setProperties(Map.of(CONNECTION_ESTABLISHMENT_FAILED, true));
        io.opened();
        io.close(error);
    }

    private void onRemoteClose() {
        ErrorCondition remote = endpoint.getRemoteCondition();
        if (remote != null && remote.getCondition() != null) {
            LOG.info("{} closed by the client with {}: {}", describe(), remote.getCondition(), remote.getDescription());
        }
        releaseAll();
        if (endpoint.getLocalState() != EndpointState.CLOSED) {
            endpoint.close();
        }
    }

    // ------------------------------------------------------------------ sessions and links

    /**
     * The AMQP sessions as the operator's channels, numbered by their order of opening: a session's consumers are
     * its sending links, its unacknowledged messages what they hold unsettled, its prefetch their credit.
     */
    @Override
    public List<ChannelInfo> channels() {
        List<ChannelInfo> out = new ArrayList<>();
        EnumSet<EndpointState> active = EnumSet.of(EndpointState.ACTIVE);
        int number = 0;
        for (org.apache.qpid.proton.engine.Session s = endpoint.sessionHead(active, active); s != null;
             s = s.next(active, active)) {
            number++;
            int consumers = 0;
            long unsettled = 0;
            int credit = 0;
            for (OutgoingLink link : outgoing.values()) {
                if (link.link().getSession() == s) {
                    consumers++;
                    unsettled += link.link().getUnsettled();
                    credit += link.link().getCredit();
                }
            }
            out.add(new ChannelInfo(number, consumers, unsettled, credit, 0, false, false));
        }
        return out;
    }

    private void onSessionOpen(org.apache.qpid.proton.engine.Session s) {
        io.sessionOpened(s);
        if (state != State.OPEN) {
            s.close();
            return;
        }
        long capacity = (long) settings.sessionWindowFrames() * settings.maxFrameSize();
        s.setIncomingCapacity((int) Math.min(Integer.MAX_VALUE, capacity));
        s.open();
    }

    private void onSessionClose(org.apache.qpid.proton.engine.Session s) {
        endSession(s, null);
    }

    /** Ends a session (with an error, when the broker ends it): its links detach, their core resources go back. */
    void endSession(org.apache.qpid.proton.engine.Session s, ErrorCondition error) {
        for (LinkHandler h : List.copyOf(links)) {
            if (h.link().getSession() == s) {
                // Ending a session detaches its links: durable terminuses live on.
                links.remove(h);
                h.release();
                if (h.link().getLocalState() != EndpointState.CLOSED) {
                    h.link().detach();
                }
            }
        }
        if (s.getLocalState() != EndpointState.CLOSED) {
            if (error != null) {
                s.setCondition(error);
            }
            s.close();
        }
        io.pump();
    }

    private void onLinkOpen(Link link) {
        if (state != State.OPEN) {
            LinkHandler.refuse(link, AmqpErrors.of(AmqpErrors.ILLEGAL_STATE, "the connection is closing"));
            return;
        }
        LinkHandler h;
        if (link instanceof Receiver r) {
            h = r.getRemoteTarget() instanceof Coordinator ? new TransactionCoordinator(this, r) : new IncomingLink(this, r);
        } else {
            h = new OutgoingLink(this, (Sender) link);
        }
        link.setContext(h);
        links.add(h);
        h.onRemoteOpen();
    }

    private void onLinkClose(Link link, boolean closed) {
        LinkHandler h = handler(link);
        if (h == null) {
            if (link.getLocalState() != EndpointState.CLOSED) {
                link.close();
            }
            return;
        }
        links.remove(h);
        h.onRemoteClose(closed);
    }

    /** A link handler finished with its link (closed by the broker or by the client). */
    void forget(LinkHandler h) {
        links.remove(h);
    }

    // ------------------------------------------------------------------ DeliverySink

    @Override
    public Executor executor() {
        return io.executor();
    }

    @Override
    public void deliver(Delivery delivery) {
        OutgoingLink link = outgoing.get(delivery.subscription());
        if (link != null) {
            link.deliver(delivery);
        }
        // Otherwise the link just closed: the queue took the delivery back with the subscription.
    }

    @Override
    public void flush() {
        io.pumpAndFlush();
    }

    @Override
    public void subscriptionClosed(Subscription subscription, BrokerException reason) {
        OutgoingLink link = outgoing.remove(subscription);
        if (link != null) {
            link.closedByBroker(reason);
            io.pump();
        }
    }

    /** The socket became writable again: consumers that paused may take more. */
    void writabilityRestored() {
        for (OutgoingLink l : List.copyOf(outgoing.values())) {
            l.onFlow();
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Releases every link's core resources (the session's close returns what they held). */
    private void releaseAll() {
        List<LinkHandler> all = new ArrayList<>(links);
        links.clear();
        for (LinkHandler h : all) {
            try {
                h.release();
            } catch (RuntimeException e) {
                LOG.warn("{}: releasing a link failed", describe(), e);
            }
        }
        outgoing.clear();
    }

    /** The socket closed: everything the connection held goes back to the broker. */
    void closed() {
        if (state == State.CLOSED && session == null) {
            return;
        }
        state = State.CLOSED;
        releaseAll();
        if (session != null) {
            session.close();
        }
        if (claimedContainer != null) {
            containers.release(claimedContainer, containerId, client.connectionId());
            claimedContainer = null;
        }
    }
}
