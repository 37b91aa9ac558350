package io.ferrymq.openwire;

import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.api.TopicSubscription;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import jakarta.jms.JMSException;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConsumerControl;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.DataStructure;
import org.apache.activemq.command.DestinationInfo;
import org.apache.activemq.command.MessageAck;
import org.apache.activemq.command.MessageDispatch;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.MessagePull;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.command.RemoveInfo;
import org.apache.activemq.command.RemoveSubscriptionInfo;
import org.apache.activemq.command.SessionId;
import org.apache.activemq.command.TransactionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The connection's consumers: ConsumerInfo (queues, topics, durable subscriptions, temporary queues, browsers,
 * selectors, composite destinations, virtual topics), their MessageDispatches paced by the prefetch as core
 * credit, MessageAck of every type, MessagePull for prefetch 0, and their removal. Consumers of advisory topics get
 * the advisories of {@link TempDestinations} and {@link Advisories}. Runs on the connection's event loop.
 */
final class OpenwireConsumers {

    private static final Logger LOG = LoggerFactory.getLogger(OpenwireConsumers.class);
    static final String TEMP_QUEUE_ADVISORY = OpenwireDestinations.ADVISORY_PREFIX + "TempQueue";
    static final String TEMP_TOPIC_ADVISORY = OpenwireDestinations.ADVISORY_PREFIX + "TempTopic";
    private static final ProducerId ADVISORY_PRODUCER = new ProducerId("ID:ferrymq-advisories-1:1:1");

    private final OpenwireConnection conn;
    private final Map<ConsumerId, OpenwireConsumer> byId = new HashMap<>();
    private final Map<Subscription, OpenwireConsumer> byCore = new IdentityHashMap<>();
    /** Credit withheld while the socket cannot take more. */
    private final Map<Subscription, Integer> owedCredit = new LinkedHashMap<>();
    /** Credit granted in this turn of the event loop, given to the queues at its end. */
    private final Map<Subscription, Integer> grantedThisTurn = new LinkedHashMap<>();
    private final Runnable giveGranted = this::giveGranted;
    /** Consumers being closed: a durable subscription is removed only after they have left it. */
    private final List<CompletableFuture<Void>> inProgress = new ArrayList<>();
    private long dispatchSequence;

    OpenwireConsumers(OpenwireConnection conn) {
        this.conn = conn;
    }

    // ------------------------------------------------------------------ ConsumerInfo

    void onConsumerInfo(ConsumerInfo info) {
        if (byId.containsKey(info.getConsumerId())) {
            throw BrokerException.illegalState("consumer " + info.getConsumerId() + " exists already");
        }
        OpenwireConsumer c = new OpenwireConsumer(info);
        List<CompletableFuture<Subscription>> attaching = new ArrayList<>();
        for (ActiveMQDestination d : OpenwireDestinations.components(info.getDestination())) {
            if (!OpenwireDestinations.isAdvisory(d)) {
                attaching.add(attach(info, d));
                c.consumed.add(d);
            } else if (d.getPhysicalName().equals(TEMP_QUEUE_ADVISORY)) {
                c.watchesTempQueues = true;
            } else if (d.getPhysicalName().equals(TEMP_TOPIC_ADVISORY)) {
                c.watchesTempTopics = true;
            } else {
                c.advisoryTopics.add(d);
            }
        }
        byId.put(info.getConsumerId(), c);
        for (CompletableFuture<Subscription> f : attaching) {
            // Known at once, on the event loop, where the core completes it: its first delivery follows.
            f.thenAccept(s -> {
                c.subscriptions.add(s);
                byCore.put(s, c);
            });
        }
        CompletableFuture.allOf(attaching.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> conn.executor().execute(() -> {
            if (t != null || c.closing || !conn.isConnected()) {
                byId.remove(info.getConsumerId(), c);
                closeSubscriptions(c);
                if (t != null) {
                    BrokerException e = BrokerException.from(t);
                    conn.fail(info, info.getSelector() != null && e.code() == ErrorCode.INVALID_ARGUMENT
                            ? OpenwireErrors.invalidSelector(info.getSelector(), e.getMessage()) : OpenwireErrors.of(e));
                }
                return;
            }
            conn.respond(info);
            if (info.isBrowser()) {
                endBrowse(c);
            }
            if (c.watchesTempQueues || c.watchesTempTopics) {
                c.watcher = change -> conn.executor().execute(() -> advise(c, change));
                conn.temps.watch(c.watcher).forEach(existing -> advise(c, existing));
            }
            conn.advisories.consumerAdded(info, c.consumed);
            if (!c.advisoryTopics.isEmpty()) {
                List<String> queues = queuesNow();
                for (ActiveMQDestination topic : c.advisoryTopics) {
                    c.advisoryWatches.add(conn.advisories.watch(topic, (advisoryTopic, data, properties) ->
                            conn.executor().execute(() -> advise(c, advisoryTopic, data, properties)), queues));
                }
            }
        }));
    }

    private CompletableFuture<Subscription> attach(ConsumerInfo info, ActiveMQDestination d) {
        Session session = conn.session;
        String name = d.getPhysicalName();
        String selector = info.getSelector();
        FilterSpec filter = selector == null || selector.isBlank() ? null : FilterSpec.sql(selector);
        // A browser takes what is there now (the credit bounds it); a consumer with prefetch 0 pulls.
        int credit = info.isBrowser() ? Math.max(1, info.getPrefetchSize()) : Math.max(0, info.getPrefetchSize());
        ConsumeOptions options = ConsumeOptions.credit(credit).withNoLocal(info.isNoLocal()).withBrowse(info.isBrowser());
        try {
            if (d.isTopic()) {
                if (info.isBrowser()) {
                    throw BrokerException.invalid("only queues can be browsed, not topic '" + name + "'");
                }
                String key = d.isTemporary() ? name : OpenwireDestinations.topicKey(name);
                String durable = info.getSubscriptionName() == null ? null : durableQueue(info.getSubscriptionName());
                TopicSubscription spec = new TopicSubscription(OpenwireDestinations.TOPIC_EXCHANGE, key,
                        durable, durable, filter, null);
                return session.consume(Source.topic(spec), options);
            }
            // ActiveMQ's consumer.priority and consumer.exclusive destination options (the client puts them on
            // the ConsumerInfo), and its message groups, which stay with their consumer while it lives.
            ConsumeOptions queueOptions = (filter == null ? options : options.withFilter(filter))
                    .withPriority(info.getPriority()).withExclusiveActive(info.isExclusive()).withStickyGroups(true);
            if (d.isTemporary()) {
                String core = conn.temps.coreName(name);
                if (core == null) {
                    throw BrokerException.notFound("the temporary queue '" + name + "' no longer exists");
                }
                return session.consume(Source.queue(core), queueOptions);
            }
            String virtualTopic = OpenwireDestinations.virtualTopicOf(name);
            if (virtualTopic != null) {
                return consumeVirtualTopic(name, virtualTopic, queueOptions);
            }
            if (!session.admin().queueExists(name)) {
                session.ensureQueue(name);
            }
            return session.consume(Source.queue(name), queueOptions);
        } catch (BrokerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code Consumer.Y.VirtualTopic.X}: a durable queue bound to topic {@code VirtualTopic.X}, as ActiveMQ keeps it. */
    private CompletableFuture<Subscription> consumeVirtualTopic(String queue, String topic, ConsumeOptions options) {
        var admin = conn.session.admin();
        CompletableFuture<?> declared = admin.queueExists(queue) ? CompletableFuture.completedFuture(null)
                : admin.declareQueue(QueueDeclaration.durable(queue));
        return declared.thenCompose(v -> admin.bind(BindingDeclaration.queue(OpenwireDestinations.TOPIC_EXCHANGE, queue,
                        OpenwireDestinations.topicKey(topic))))
                .thenCompose(v -> conn.session.consume(Source.queue(queue), options));
    }

    /** The queue of durable subscription {@code name}: {@code CLIENTID.NAME}, as STOMP's ActiveMQ-style durables. */
    private String durableQueue(String subscriptionName) {
        String client = conn.clientId != null ? conn.clientId : conn.session.principal().name();
        return client + "." + subscriptionName;
    }

    /**
     * A browser has seen everything once the queue handed out what it had: the client waits for an empty
     * dispatch. Its credit is given a prefetch at a time: a drain that used all of it may have left more behind.
     */
    private void endBrowse(OpenwireConsumer c) {
        List<Subscription> parts = List.copyOf(c.subscriptions);
        List<CompletableFuture<Integer>> drains = new ArrayList<>();
        for (Subscription s : parts) {
            drains.add(conn.session.drain(s));
        }
        CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new)).whenComplete((v, t) ->
                conn.executor().execute(() -> {
                    if (byId.get(c.info.getConsumerId()) != c || c.closing) {
                        return;
                    }
                    boolean more = false;
                    for (int i = 0; i < parts.size(); i++) {
                        if (!drains.get(i).isCompletedExceptionally() && drains.get(i).join() == 0) {
                            parts.get(i).credit(Math.max(1, c.prefetch()));
                            more = true;
                        }
                    }
                    if (more) {
                        endBrowse(c);
                    } else {
                        dispatchNothing(c);
                    }
                }));
    }

    void onRemoveSubscription(RemoveSubscriptionInfo info) {
        String queue = durableQueue(info.getSubscriptionName());
        if (!conn.session.admin().queueExists(queue)) {
            throw BrokerException.notFound("no durable subscription '" + info.getSubscriptionName() + "' of client '"
                    + info.getClientId() + "'");
        }
        // After the consumers being closed have left it: a subscriber closed just before is not in the way.
        CompletableFuture<Void> closed = CompletableFuture.allOf(inProgress.toArray(CompletableFuture[]::new));
        conn.track(info, closed.handle((v, t) -> null)
                .thenCompose(v -> conn.session.admin().deleteQueue(queue, true, false)));
    }

    // ------------------------------------------------------------------ dispatch

    void deliver(Delivery d) {
        OpenwireConsumer c = byCore.get(d.subscription());
        if (c == null || c.closing || !conn.isConnected()) {
            // A delivery awaiting an acknowledgement goes back to its queue when the consumer closes.
            return;
        }
        long seq = ++dispatchSequence;
        int redeliveries = Math.max(d.deliveryCount() - 1, d.redelivered() ? 1 : 0);
        ReceivedFrame frame = OpenwireMessages.frameOf(d.message());
        // The received frame as it is, unless this delivery must say that it is the first of its group.
        MessageDispatch md = frame == null || d.firstOfGroup() ? null : conn.frameDispatch(c, frame, seq, redeliveries);
        if (md == null) {
            ActiveMQMessage m;
            try {
                m = OpenwireMessages.toOpenwire(d.message(), conn.temps);
            } catch (Exception e) {
                LOG.warn("OpenWire connection {}: message from queue '{}' cannot be given to a JMS client, dead-lettering"
                        + " it: {}", conn.connectionId, d.queueName(), e.toString());
                conn.session.settle(d, Outcome.reject("cannot be represented as a JMS message: " + e.getMessage()), null);
                grant(d.subscription(), 1);
                return;
            }
            m.getMessageId().setBrokerSequenceId(seq);
            m.setRedeliveryCounter(redeliveries);
            if (d.firstOfGroup()) {
                m.setJMSXGroupFirstForConsumer(true);
            }
            md = new MessageDispatch();
            md.setConsumerId(c.info.getConsumerId());
            md.setDestination(c.info.getDestination());
            md.setMessage(m);
            md.setRedeliveryCounter(redeliveries);
        }
        if (d.needsSettlement()) {
            c.unacked.put(new OpenwireConsumer.Dispatched(seq, d));
        } else if (!c.info.isBrowser()) {
            grant(d.subscription(), 1);
        }
        c.pulling = false;
        conn.ctx.write(md, conn.ctx.voidPromise());
    }

    /** A temporary destination's advisory: the DestinationInfo of its creation or deletion, as ActiveMQ sends it. */
    private void advise(OpenwireConsumer c, DestinationInfo change) {
        ActiveMQDestination d = change.getDestination();
        if (byId.get(c.info.getConsumerId()) != c || c.closing || !conn.isConnected()
                || !(d.isQueue() ? c.watchesTempQueues : c.watchesTempTopics)) {
            return;
        }
        ActiveMQMessage advisory = new ActiveMQMessage();
        MessageId id = new MessageId(ADVISORY_PRODUCER, ++dispatchSequence);
        id.setBrokerSequenceId(dispatchSequence);
        advisory.setMessageId(id);
        advisory.setType("Advisory");
        advisory.setDestination(new ActiveMQTopic(d.isQueue() ? TEMP_QUEUE_ADVISORY : TEMP_TOPIC_ADVISORY));
        advisory.setDataStructure(change);
        MessageDispatch md = new MessageDispatch();
        md.setConsumerId(c.info.getConsumerId());
        md.setDestination(c.info.getDestination());
        md.setMessage(advisory);
        conn.ctx.writeAndFlush(md);
    }

    /** The queues of the broker for a destination advisory: the user's, less the broker's own and temporary ones. */
    private List<String> queuesNow() {
        List<String> names = new ArrayList<>();
        for (QueueDeclaration q : conn.session.admin().describeQueues()) {
            if (!q.name().startsWith("amq.") && conn.temps.clientName(q.name()) == null) {
                names.add(q.name());
            }
        }
        return names;
    }

    /** An advisory of {@link Advisories}: its command in the message's data structure, as ActiveMQ sends it. */
    private void advise(OpenwireConsumer c, ActiveMQTopic topic, DataStructure data, Map<String, Object> properties) {
        if (byId.get(c.info.getConsumerId()) != c || c.closing || !conn.isConnected()) {
            return;
        }
        ActiveMQMessage advisory = new ActiveMQMessage();
        MessageId id = new MessageId(ADVISORY_PRODUCER, ++dispatchSequence);
        id.setBrokerSequenceId(dispatchSequence);
        advisory.setMessageId(id);
        advisory.setType("Advisory");
        advisory.setDestination(topic);
        advisory.setDataStructure(data);
        try {
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                advisory.setObjectProperty(e.getKey(), e.getValue());
            }
        } catch (JMSException e) {
            throw new IllegalStateException("advisory property " + properties, e);
        }
        MessageDispatch md = new MessageDispatch();
        md.setConsumerId(c.info.getConsumerId());
        md.setDestination(c.info.getDestination());
        md.setMessage(advisory);
        conn.ctx.writeAndFlush(md);
    }

    /** The empty dispatch: the end of a browse, or a MessagePull that found nothing in its time. */
    private void dispatchNothing(OpenwireConsumer c) {
        MessageDispatch md = new MessageDispatch();
        md.setConsumerId(c.info.getConsumerId());
        md.setDestination(c.info.getDestination());
        conn.ctx.writeAndFlush(md);
    }

    private void grant(Subscription s, int n) {
        if (n <= 0) {
            return;
        }
        if (conn.ctx.channel().isWritable()) {
            // Given once per turn of the event loop: a credit is a task on the queue's thread, and the acks of
            // one read (or the deliveries of one batch) would otherwise each cost one.
            if (grantedThisTurn.isEmpty()) {
                conn.executor().execute(giveGranted);
            }
            grantedThisTurn.merge(s, n, Integer::sum);
        } else {
            owedCredit.merge(s, n, Integer::sum);
        }
    }

    private void giveGranted() {
        if (grantedThisTurn.size() == 1) {
            var only = grantedThisTurn.entrySet().iterator().next();
            Subscription s = only.getKey();
            int n = only.getValue();
            grantedThisTurn.clear();
            s.credit(n);
            return;
        }
        Map<Subscription, Integer> granted = new LinkedHashMap<>(grantedThisTurn);
        grantedThisTurn.clear();
        granted.forEach(Subscription::credit);
    }

    void writable() {
        Map<Subscription, Integer> owed = new LinkedHashMap<>(owedCredit);
        owedCredit.clear();
        owed.forEach((s, n) -> {
            if (byCore.containsKey(s)) {
                s.credit(n);
            }
        });
    }

    // ------------------------------------------------------------------ MessageAck

    void onAck(MessageAck ack) {
        OpenwireConsumer c = byId.get(ack.getConsumerId());
        if (c == null || ack.getLastMessageId() == null) {
            // A late acknowledgement of a consumer that is gone: its deliveries went back to their queues.
            conn.respond(ack);
            return;
        }
        TransactionId tx = ack.getAckType() == MessageAck.DELIVERED_ACK_TYPE
                || ack.getAckType() == MessageAck.REDELIVERED_ACK_TYPE ? null : ack.getTransactionId();
        if (tx != null) {
            conn.transactions.of(tx);
        }
        long last = ack.getLastMessageId().getBrokerSequenceId();
        long first = ack.getFirstMessageId() == null ? last : ack.getFirstMessageId().getBrokerSequenceId();
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        switch (ack.getAckType()) {
            case MessageAck.DELIVERED_ACK_TYPE -> {
                // Received but not yet acknowledged (transacted or client-acknowledge sessions): the prefetch
                // window moves on, as ActiveMQ's prefetch extension does.
                for (OpenwireConsumer.Dispatched d : c.unacked.uncreditedThrough(last)) {
                    d.credited = true;
                    grant(d.delivery.subscription(), 1);
                }
            }
            case MessageAck.STANDARD_ACK_TYPE -> settle(c, c.unacked.takeThrough(last), Outcome.ACCEPT, tx, settled);
            case MessageAck.INDIVIDUAL_ACK_TYPE, MessageAck.UNMATCHED_ACK_TYPE ->
                    settle(c, c.unacked.takeRange(last, last), Outcome.ACCEPT, tx, settled);
            case MessageAck.POISON_ACK_TYPE -> {
                String cause = ack.getPoisonCause() == null || ack.getPoisonCause().getMessage() == null
                        ? "the client gave up on it (poison acknowledgement)"
                        : "the client gave up on it: " + ack.getPoisonCause().getMessage();
                settle(c, c.unacked.takeRange(first, last), Outcome.reject(cause), tx, settled);
            }
            case MessageAck.EXPIRED_ACK_TYPE ->
                    // As ActiveMQ: an expiry (its advisory, the expiry target if the policy names one), not a
                    // rejection that would dead-letter it.
                    settle(c, c.unacked.takeRange(first, last), Outcome.EXPIRE, tx, settled);
            case MessageAck.REDELIVERED_ACK_TYPE -> {
                // The client redelivers locally after a rollback and keeps the messages: nothing moves here.
            }
            default -> throw BrokerException.invalid("unknown acknowledgement type " + ack.getAckType());
        }
        answer(ack, settled);
    }

    /**
     * The answer to an acknowledgement once its settlements are done: at once when they are (a transient
     * message's settlement usually is), without a task per acknowledgement.
     */
    private void answer(MessageAck ack, List<CompletableFuture<Void>> settled) {
        Throwable failure = null;
        for (CompletableFuture<Void> f : settled) {
            if (!f.isDone()) {
                conn.track(ack, CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)));
                return;
            }
            if (failure == null && f.isCompletedExceptionally()) {
                failure = f.handle((v, t) -> t).join();
            }
        }
        conn.done(ack, failure);
    }

    /**
     * Settles now, or, within a transaction, at its commit: a rollback gives the deliveries back to the consumer
     * (the JMS client redelivers them itself), not to the queue.
     */
    private void settle(OpenwireConsumer c, List<OpenwireConsumer.Dispatched> taken, Outcome outcome, TransactionId tx,
                        List<CompletableFuture<Void>> results) {
        if (taken.isEmpty()) {
            return;
        }
        List<Delivery> settleNow = tx == null ? new ArrayList<>(taken.size()) : null;
        // Credit given back in runs of one subscription (a composite consumer has several).
        Subscription creditFor = null;
        int credit = 0;
        for (OpenwireConsumer.Dispatched d : taken) {
            if (tx != null) {
                conn.transactions.holdAck(tx, c, d, outcome);
            } else {
                settleNow.add(d.delivery);
            }
            if (!d.credited && c.prefetch() > 0) {
                if (d.delivery.subscription() != creditFor) {
                    grant(creditFor, credit);
                    creditFor = d.delivery.subscription();
                    credit = 0;
                }
                credit++;
            }
        }
        grant(creditFor, credit);
        if (settleNow != null) {
            // One call per queue for the range, not a task and a future per delivery.
            results.add(conn.session.settleAll(settleNow, outcome));
        }
    }

    // ------------------------------------------------------------------ MessagePull (prefetch 0)

    void onPull(MessagePull pull) {
        OpenwireConsumer c = byId.get(pull.getConsumerId());
        if (c == null || c.prefetch() > 0 || c.subscriptions.isEmpty()) {
            conn.respond(pull);
            return;
        }
        c.pulling = true;
        for (Subscription s : c.subscriptions) {
            s.creditUpTo(s.delivered() + 1);
        }
        long timeout = pull.getTimeout();
        if (timeout < 0) {
            drainPull(c);
        } else if (timeout > 0) {
            conn.ctx.executor().schedule(() -> {
                if (c.pulling && byId.get(c.info.getConsumerId()) == c) {
                    drainPull(c);
                }
            }, timeout, TimeUnit.MILLISECONDS);
        }
        conn.respond(pull);
    }

    /** The pull takes what is there now; if that was nothing, the client hears so through an empty dispatch. */
    private void drainPull(OpenwireConsumer c) {
        List<CompletableFuture<Integer>> drains = new ArrayList<>();
        for (Subscription s : c.subscriptions) {
            drains.add(conn.session.drain(s));
        }
        CompletableFuture.allOf(drains.toArray(CompletableFuture[]::new)).whenComplete((v, t) ->
                conn.executor().execute(() -> {
                    if (c.pulling && byId.get(c.info.getConsumerId()) == c) {
                        c.pulling = false;
                        dispatchNothing(c);
                    }
                }));
    }

    // ------------------------------------------------------------------ removal

    /**
     * Removes a consumer. Deliveries the client never handed to the application (after {@code lastDelivered})
     * go back as not attempted; the rest the queue takes back as failed attempts when the consumer closes.
     */
    CompletableFuture<Void> remove(ConsumerId id, long lastDelivered) {
        OpenwireConsumer c = byId.remove(id);
        if (c == null) {
            return CompletableFuture.completedFuture(null);
        }
        releaseUndelivered(c, lastDelivered);
        return closeSubscriptions(c);
    }

    /** A session's consumers go; {@code lastDelivered} is the session's, as the client reports it. */
    CompletableFuture<Void> removeSession(SessionId session, long lastDelivered) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (OpenwireConsumer c : List.copyOf(byId.values())) {
            if (c.info.getConsumerId().getParentId().equals(session)) {
                byId.remove(c.info.getConsumerId());
                releaseUndelivered(c, lastDelivered);
                closing.add(closeSubscriptions(c));
            }
        }
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    /** Every consumer goes (the connection closes); {@code lastDelivered} is the connection's. */
    CompletableFuture<Void> removeAll(long lastDelivered) {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (OpenwireConsumer c : List.copyOf(byId.values())) {
            releaseUndelivered(c, lastDelivered);
            closing.add(closeSubscriptions(c));
        }
        byId.clear();
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    /**
     * Prefetched deliveries the client never handed to the application go back without counting as an attempt:
     * those dispatched after {@code lastDelivered} (the broker sequence of the last one it handed over; -1 for
     * none, -2 when the client does not know, and then every delivery counts).
     */
    private void releaseUndelivered(OpenwireConsumer c, long lastDelivered) {
        if (lastDelivered == RemoveInfo.LAST_DELIVERED_UNKNOWN) {
            return;
        }
        for (var e : c.unacked.after(lastDelivered)) {
            conn.session.settle(e.delivery, Outcome.RELEASE, null);
        }
    }

    private CompletableFuture<Void> closeSubscriptions(OpenwireConsumer c) {
        c.closing = true;
        c.unacked.clear();
        stopAdvisories(c);
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Subscription s : c.subscriptions) {
            closing.add(s.close().whenComplete((v, t) -> conn.executor().execute(() -> {
                byCore.remove(s);
                owedCredit.remove(s);
            })));
        }
        CompletableFuture<Void> closed = CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
        if (!closed.isDone()) {
            inProgress.add(closed);
            closed.whenComplete((v, t) -> conn.executor().execute(() -> inProgress.remove(closed)));
        }
        return closed;
    }

    /** A JMS session as the operator's channel list shows it: its consumers, their unacknowledged messages. */
    ChannelInfo info(SessionId session) {
        int count = 0;
        long unacked = 0;
        int prefetch = 0;
        for (OpenwireConsumer c : byId.values()) {
            if (session.equals(c.info.getConsumerId().getParentId())) {
                count++;
                unacked += c.unacked.size();
                prefetch = Math.max(prefetch, c.prefetch());
            }
        }
        return new ChannelInfo((int) session.getValue(), count, unacked, prefetch, 0, false, false);
    }

    void connectionClosed() {
        for (OpenwireConsumer c : byId.values()) {
            c.closing = true;
            stopAdvisories(c);
        }
    }

    /** The consumer goes: it watches no advisories any more, and the consumer advisories tell of its leaving. */
    private void stopAdvisories(OpenwireConsumer c) {
        if (c.watcher != null) {
            conn.temps.unwatch(c.watcher);
        }
        c.advisoryWatches.forEach(Runnable::run);
        c.advisoryWatches.clear();
        conn.advisories.consumerRemoved(c.info.getConsumerId());
    }

    /** The broker ended a subscription (its queue was deleted, the broker stops): the client hears it as an error. */
    void closedByBroker(Subscription s, BrokerException reason) {
        OpenwireConsumer c = byCore.remove(s);
        if (c == null) {
            return;
        }
        c.subscriptions.remove(s);
        if (!c.subscriptions.isEmpty()) {
            // A composite consumer keeps its other parts.
            return;
        }
        LOG.info("OpenWire connection {}: consumer {} ended by the broker: {}", conn.connectionId,
                c.info.getConsumerId(), reason.getMessage());
        byId.remove(c.info.getConsumerId(), c);
        c.closing = true;
        stopAdvisories(c);
        // The client closes its consumer, and the application's exception listener hears why.
        ConsumerControl close = new ConsumerControl();
        close.setConsumerId(c.info.getConsumerId());
        close.setDestination(c.info.getDestination());
        close.setClose(true);
        conn.ctx.write(close);
        conn.asyncError(OpenwireErrors.of(reason.code(), "consumer on " + c.info.getDestination() + " ended: "
                + reason.getMessage()));
    }
}
