package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpValues;
import io.ferrymq.amqp.message.CoreToAmqp;
import io.ferrymq.amqp.message.HumanText;
import io.ferrymq.core.api.Admin;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.api.Tx;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.TerminusDurability;
import org.apache.qpid.proton.amqp.messaging.TerminusExpiryPolicy;
import org.apache.qpid.proton.amqp.transaction.TransactionalState;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A link on which the broker sends: a consumer. Its source names a queue, or a topic to subscribe to
 * (temporary, durable or shared), or asks for a dynamic node. Link credit becomes core credit
 * ({@link Subscription#creditUpTo}), drain becomes a core drain, and the client's outcomes settle the core
 * deliveries, inside a transaction when the state says so.
 */
final class OutgoingLink implements LinkHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OutgoingLink.class);
    static final Symbol COPY = Symbol.valueOf("copy");
    static final Symbol SHARED = Symbol.valueOf("shared");
    static final Symbol GLOBAL = Symbol.valueOf("global");

    private enum State { ATTACHING, ACTIVE, CLOSED }

    /** What the subscription is, for what detaching or closing the link must do to it. */
    private enum Kind { QUEUE, TEMPORARY_TOPIC, DURABLE, SHARED_DURABLE, SHARED_VOLATILE, DYNAMIC, LOOKUP }

    private final AmqpConnection connection;
    private final Sender sender;
    private State state = State.ATTACHING;
    private Kind kind = Kind.QUEUE;
    private Subscription subscription;
    private String queueName;
    private long sent;
    /** The total deliveries last allowed to the core subscription. */
    private long granted = -1;
    private long nextTag;
    private boolean draining;

    OutgoingLink(AmqpConnection connection, Sender sender) {
        this.connection = connection;
        this.sender = sender;
    }

    @Override
    public Link link() {
        return sender;
    }

    private Session session() {
        return connection.session();
    }

    // ------------------------------------------------------------------ attach

    @Override
    public void onRemoteOpen() {
        org.apache.qpid.proton.amqp.transport.Source remote = sender.getRemoteSource();
        CompletableFuture<Subscription> subscribed;
        Source local;
        try {
            if (remote == null) {
                lookUpDurableSubscription();
                return;
            }
            if (!(remote instanceof Source source)) {
                throw BrokerException.invalid("the source of a consumer link must be a messaging source");
            }
            local = (Source) source.copy();
            SourceFilters filters = SourceFilters.parse(source.getFilter());
            local.setFilter(filters.accepted().isEmpty() ? null : new HashMap<>(filters.accepted()));
            ConsumeOptions options = ConsumeOptions.credit(0)
                    .withAutoSettle(sender.getRemoteSenderSettleMode() == SenderSettleMode.SETTLED)
                    .withNoLocal(filters.noLocal());
            subscribed = source.getDynamic() ? dynamic(local, options) : subscribe(source, filters, options);
        } catch (BrokerException e) {
            refuse(AmqpErrors.of(e));
            return;
        }
        Source reply = local;
        subscribed.whenComplete((s, t) -> {
            if (t != null) {
                refuse(AmqpErrors.of(t));
            } else {
                attached(s, reply);
            }
            connection.pump();
        });
    }

    private CompletableFuture<Subscription> subscribe(Source source, SourceFilters filters, ConsumeOptions options) {
        Session session = session();
        Symbol[] caps = source.getCapabilities();
        AmqpAddress address = AmqpAddress.parse(source.getAddress(), AmqpAddress.hasTopicCapability(caps));
        if (!address.isTopic()) {
            if (address.kind() == AmqpAddress.Kind.QUEUE && !connection.isDynamicQueue(address.name())) {
                session.ensureQueue(address.name());
            }
            queueName = address.name();
            kind = Kind.QUEUE;
            ConsumeOptions o = options.withBrowse(COPY.equals(source.getDistributionMode()));
            if (filters.selector() != null) {
                o = o.withFilter(FilterSpec.sql(filters.selector()));
            }
            return connection.isDynamicQueue(queueName) ? session.consume(io.ferrymq.core.api.Source.managedQueue(queueName), o)
                    : session.consume(io.ferrymq.core.api.Source.queue(queueName), o);
        }
        FilterSpec filter = filters.selector() == null ? null : FilterSpec.sql(filters.selector());
        boolean durable = source.getDurable() != null && source.getDurable() != TerminusDurability.NONE;
        boolean shared = AmqpAddress.hasCapability(caps, SHARED);
        boolean global = AmqpAddress.hasCapability(caps, GLOBAL);
        String name = TopicSubscriptions.subscriptionName(sender.getName());
        if (durable) {
            kind = shared ? Kind.SHARED_DURABLE : Kind.DURABLE;
            queueName = TopicSubscriptions.durableQueue(connection.containerId(), name, global);
            return session.consume(io.ferrymq.core.api.Source.topic(new TopicSubscription(address.exchange(), address.name(), queueName,
                    queueName, filter, null)), options);
        }
        if (shared) {
            kind = Kind.SHARED_VOLATILE;
            queueName = TopicSubscriptions.sharedVolatileQueue(connection.containerId(), name, global);
            return TopicSubscriptions.sharedVolatile(session, address.exchange(), address.name(), queueName, filter,
                    options);
        }
        kind = Kind.TEMPORARY_TOPIC;
        return session.consume(io.ferrymq.core.api.Source.topic(new TopicSubscription(address.exchange(), address.name(), null, null, filter,
                null)), options);
    }

    /** A dynamic source (a reply queue for request/reply): a private queue that lives as long as the link. */
    private CompletableFuture<Subscription> dynamic(Source local, ConsumeOptions options) {
        Session session = session();
        queueName = session.admin().declareTemporaryQueue("", true);
        connection.addDynamicQueue(queueName);
        kind = Kind.DYNAMIC;
        local.setAddress(queueName);
        return session.consume(io.ferrymq.core.api.Source.managedQueue(queueName), options);
    }

    /**
     * An attach without a source asks whether a durable subscription of that link name exists (Qpid JMS
     * does so to unsubscribe): the reply describes it, or has no source when there is none.
     */
    private void lookUpDurableSubscription() {
        String name = TopicSubscriptions.subscriptionName(sender.getName());
        boolean global = AmqpAddress.hasCapability(sender.getRemoteDesiredCapabilities(), GLOBAL);
        String queue = TopicSubscriptions.durableQueue(connection.containerId(), name, global);
        Admin admin = session().admin();
        if (!admin.describeQueue(queue).map(QueueDeclaration::durable).orElse(false)) {
            refuse(AmqpErrors.of(AmqpErrors.NOT_FOUND, "no durable subscription '" + name + "'"
                    + (global ? "" : " for client id '" + connection.containerId() + "'")));
            return;
        }
        Source source = new Source();
        source.setDurable(TerminusDurability.UNSETTLED_STATE);
        source.setExpiryPolicy(TerminusExpiryPolicy.NEVER);
        source.setDistributionMode(COPY);
        for (BindingDeclaration b : admin.bindingsOf(queue)) {
            source.setAddress(b.key());
            source.setCapabilities(AmqpAddress.TOPIC_CAPABILITY);
            if (b.filter() != null) {
                source.setFilter(Map.of(Symbol.valueOf("jms-selector"), selectorFilter(b.filter().expression())));
            }
        }
        kind = Kind.LOOKUP;
        queueName = queue;
        sender.setSource(source);
        sender.setTarget(sender.getRemoteTarget());
        sender.open();
        state = State.ACTIVE;
    }

    private static Object selectorFilter(String selector) {
        return new org.apache.qpid.proton.amqp.DescribedType() {
            @Override
            public Object getDescriptor() {
                return SourceFilters.SELECTOR_NAME;
            }

            @Override
            public Object getDescribed() {
                return selector;
            }
        };
    }

    private void attached(Subscription s, Source local) {
        if (state == State.CLOSED || sender.getRemoteState() == EndpointState.CLOSED) {
            s.close();
            return;
        }
        subscription = s;
        connection.registerOutgoing(s, this);
        sender.setSource(local);
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        sender.open();
        state = State.ACTIVE;
        LOG.debug("{}: consumer link '{}' attached to {}", connection.describe(), sender.getName(), s.queueName());
        onFlow();
    }

    private void refuse(ErrorCondition error) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.info("{}: consumer link '{}' refused: {}", connection.describe(), sender.getName(), error.getDescription());
        state = State.CLOSED;
        connection.forget(this);
        if (kind == Kind.DYNAMIC && queueName != null) {
            deleteDynamicQueue();
        }
        LinkHandler.refuse(sender, error);
    }

    // ------------------------------------------------------------------ flow

    @Override
    public void onFlow() {
        if (state != State.ACTIVE || subscription == null) {
            return;
        }
        int credit = Math.max(0, sender.getCredit());
        if (sender.getDrain() && credit > 0) {
            if (!draining) {
                drain(credit);
            }
            return;
        }
        // The core gets at most a window of the link credit at a time, and none while the socket is full:
        // a consumer that grants huge credit but reads slowly leaves messages in the queue, not in Proton's
        // buffers. Deliveries top the window up as they go out (see deliver).
        grant(sent + (connection.writable() ? Math.min(credit, connection.settings().consumerWindow()) : 0));
    }

    private void grant(long total) {
        if (total != granted) {
            granted = total;
            subscription.creditUpTo(total);
        }
    }

    private void drain(int credit) {
        draining = true;
        grant(sent + credit);
        session().drain(subscription).whenComplete((n, t) -> {
            draining = false;
            if (state != State.ACTIVE) {
                return;
            }
            // The core gave up the rest of the credit: what it may deliver now is what it has delivered.
            granted = sent;
            if (sender.getDrain()) {
                sender.drained();
            }
            connection.pump();
        });
    }

    // ------------------------------------------------------------------ deliveries

    void deliver(io.ferrymq.core.queue.Delivery d) {
        if (state != State.ACTIVE) {
            return;
        }
        int headerCount = d.deliveryCount() - 1;
        if (d.redelivered() && headerCount == 0) {
            headerCount = 1;
        }
        byte[] encoded;
        try {
            encoded = CoreToAmqp.encode(d.message(), headerCount, System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.warn("{}: message {} from queue '{}' cannot be encoded for AMQP; dead-lettering it",
                    connection.describe(), d.message().id(), d.queueName(), e);
            session().settle(d, Outcome.reject("cannot be encoded as AMQP 1.0: "
                    + HumanText.of(e.getMessage(), "a value has no AMQP 1.0 encoding")), null);
            return;
        }
        Delivery pd = sender.delivery(tag(++nextTag));
        sender.sendNoCopy(ReadableBuffer.ByteBufferReader.wrap(encoded));
        sender.advance();
        sent++;
        if (d.needsSettlement()) {
            pd.setContext(d);
        } else {
            pd.settle();
        }
        if (granted - sent <= connection.settings().consumerWindow() / 2 && !draining) {
            onFlow();
        }
    }

    private static byte[] tag(long n) {
        int len = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(n) + 7) / 8);
        byte[] tag = new byte[len];
        for (int i = len - 1; i >= 0; i--) {
            tag[i] = (byte) n;
            n >>>= 8;
        }
        return tag;
    }

    /** The client's disposition for a delivery: settle the core delivery accordingly. */
    @Override
    public void onDelivery(Delivery pd) {
        if (!(pd.getContext() instanceof io.ferrymq.core.queue.Delivery d)) {
            if (pd.remotelySettled() && !pd.isSettled()) {
                pd.settle();
            }
            return;
        }
        DeliveryState state = pd.getRemoteState();
        Tx tx = null;
        if (state instanceof TransactionalState ts) {
            tx = connection.transactions().find(ts.getTxnId());
            if (tx == null) {
                closeWithError(AmqpErrors.of(AmqpErrors.TX_UNKNOWN_ID, "the acknowledgement names transaction "
                        + ts.getTxnId() + ", which is not open on this connection"));
                return;
            }
            state = ts.getOutcome() instanceof DeliveryState o ? o : null;
        }
        Outcome outcome = outcome(state, pd.remotelySettled());
        if (outcome == null) {
            return;
        }
        pd.setContext(null);
        session().settle(d, outcome, tx).whenComplete((v, t) -> {
            if (t != null) {
                LOG.debug("{}: settling delivery {} of queue '{}' failed: {}", connection.describe(), d.deliveryId(),
                        d.queueName(), t.getMessage());
            }
        });
        pd.settle();
    }

    /** The core outcome for a delivery state; null while it is not terminal and not settled. */
    private Outcome outcome(DeliveryState state, boolean settled) {
        if (state instanceof Accepted) {
            return Outcome.ACCEPT;
        }
        if (state instanceof Rejected r) {
            ErrorCondition e = r.getError();
            return Outcome.reject(e == null ? "rejected by the AMQP consumer"
                    : "rejected by the AMQP consumer: " + e.getCondition()
                    + (e.getDescription() == null ? "" : " " + e.getDescription()));
        }
        if (state instanceof Released) {
            return Outcome.RELEASE;
        }
        if (state instanceof Modified m) {
            return modified(m);
        }
        if (!settled) {
            return null;
        }
        // Settled without an outcome: the source's default outcome applies.
        org.apache.qpid.proton.amqp.transport.Source source = sender.getRemoteSource();
        if (source instanceof Source s && s.getDefaultOutcome() instanceof DeliveryState def
                && !(def instanceof TransactionalState)) {
            Outcome o = outcome(def, false);
            if (o != null) {
                return o;
            }
        }
        return Outcome.RELEASE;
    }

    private static Outcome modified(Modified m) {
        Map<String, Object> annotations = new HashMap<>();
        if (m.getMessageAnnotations() != null) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) m.getMessageAnnotations()).entrySet()) {
                Object v = AmqpValues.toCore(e.getValue());
                if (e.getKey() != null && v != AmqpValues.UNSUPPORTED) {
                    annotations.put(e.getKey().toString(), v);
                }
            }
        }
        return new Outcome.Modify(Boolean.TRUE.equals(m.getDeliveryFailed()),
                Boolean.TRUE.equals(m.getUndeliverableHere()), annotations);
    }

    // ------------------------------------------------------------------ detach and close

    @Override
    public void onRemoteClose(boolean closed) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        CompletableFuture<?> done = closeSubscription();
        boolean unsubscribe = closed && (kind == Kind.DURABLE || kind == Kind.SHARED_DURABLE || kind == Kind.LOOKUP);
        if (!unsubscribe) {
            // Answered once the consumer is gone from its queue: a client that goes on to unsubscribe or to
            // delete the queue must find it unused, and its unsettled messages back in the queue.
            done.whenComplete((v, t) -> connection.executor().execute(() -> {
                mirror(closed, null);
                connection.pump();
            }));
            return;
        }
        // Closing (not detaching) a durable subscription's link ends the subscription.
        boolean ifUnused = kind != Kind.DURABLE;
        done.handle((v, t) -> null).thenCompose(v -> session().admin().deleteQueue(queueName, ifUnused, false))
                .whenComplete((n, t) -> {
                    ErrorCondition error = null;
                    if (t != null) {
                        BrokerException e = BrokerException.from(t);
                        if (!(kind == Kind.SHARED_DURABLE && e.code() == ErrorCode.PRECONDITION_FAILED)) {
                            error = e.code() == ErrorCode.PRECONDITION_FAILED
                                    ? AmqpErrors.of(AmqpErrors.RESOURCE_LOCKED, "durable subscription queue '"
                                    + queueName + "' still has consumers; close them before unsubscribing")
                                    : AmqpErrors.of(e);
                        }
                    } else {
                        LOG.debug("{}: durable subscription '{}' removed", connection.describe(), queueName);
                    }
                    mirror(true, error);
                    connection.pump();
                });
    }

    private void mirror(boolean closed, ErrorCondition error) {
        if (sender.getLocalState() == EndpointState.CLOSED) {
            return;
        }
        if (error != null) {
            sender.setCondition(error);
        }
        if (closed) {
            sender.close();
        } else {
            sender.detach();
        }
    }

    private CompletableFuture<?> closeSubscription() {
        CompletableFuture<?> done = CompletableFuture.completedFuture(null);
        if (subscription != null) {
            connection.unregisterOutgoing(subscription);
            done = subscription.close();
            subscription = null;
        }
        if (kind == Kind.DYNAMIC) {
            deleteDynamicQueue();
        }
        return done;
    }

    private void deleteDynamicQueue() {
        String name = queueName;
        connection.removeDynamicQueue(name);
        session().admin().deleteTemporaryQueue(name).exceptionally(t -> {
            LOG.debug("{}: dynamic queue '{}' already gone: {}", connection.describe(), name,
                    BrokerException.from(t).getMessage());
            return null;
        });
    }

    /** The broker ended the subscription (its queue was deleted, the broker is stopping). */
    void closedByBroker(BrokerException reason) {
        if (state == State.CLOSED) {
            return;
        }
        subscription = null;
        ErrorCondition error = reason.code() == ErrorCode.NOT_FOUND
                ? AmqpErrors.of(AmqpErrors.RESOURCE_DELETED, reason.getMessage()) : AmqpErrors.of(reason);
        closeWithError(error);
    }

    private void closeWithError(ErrorCondition error) {
        LOG.info("{}: closing consumer link '{}': {}", connection.describe(), sender.getName(), error.getDescription());
        state = State.CLOSED;
        closeSubscription();
        connection.forget(this);
        LinkHandler.close(sender, error);
    }

    @Override
    public void release() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        closeSubscription();
    }
}
