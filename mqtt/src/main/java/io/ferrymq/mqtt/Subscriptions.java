package io.ferrymq.mqtt;

import io.ferrymq.core.api.Admin;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A client's subscriptions in core terms: every ordinary filter is a binding of the session's own queue
 * to {@code amq.topic}; a shared subscription {@code $share/G/F} is a queue of its own that every member
 * consumes from, so the group's messages are spread over them. Runs on the connection's event loop.
 */
final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    // SUBACK reason codes the adapter decides itself (MQTT 5; 0x80 is also 3.1.1's failure code)
    private static final int UNSPECIFIED = ReasonCodes.UNSPECIFIED & 0xFF;
    private static final int FILTER_INVALID = ReasonCodes.TOPIC_FILTER_INVALID & 0xFF;

    private final MqttConnection conn;
    private Subscription sessionConsumer;
    private final Map<String, Subscription> sharedConsumers = new HashMap<>();
    private final Map<String, NamePattern> patterns = new HashMap<>();

    Subscriptions(MqttConnection conn) {
        this.conn = conn;
    }

    private Admin admin() {
        return conn.core.admin();
    }

    private String exchange() {
        return conn.hub.settings().exchange();
    }

    int window() {
        return Math.min(conn.clientReceiveMaximum, conn.hub.settings().maxInflightToClient());
    }

    /** QoS 0 messages (at most once) leave the queue as they are handed out: no settlement round trip. */
    private ConsumeOptions consumeOptions() {
        return ConsumeOptions.credit(window()).withAutoSettleWhen(m -> MessageMapping.publishedQos(m) == 0);
    }

    /** A resumed session: its queue and shared queues are consumed again. */
    CompletableFuture<Void> resume() {
        List<CompletableFuture<?>> steps = new ArrayList<>();
        boolean ordinary = false;
        for (SubscriptionEntry e : conn.session.subscriptions.values()) {
            if (e.shareGroup() == null) {
                ordinary = true;
            } else if (admin().queueExists(MqttHub.sharedQueueName(e))) {
                steps.add(consumeShared(e));
            }
        }
        if (ordinary && admin().queueExists(conn.session.queueName())) {
            steps.add(ensureSessionConsumer());
        }
        return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new));
    }

    void onSubscribe(MqttSubscribeMessage m) {
        int packetId = m.variableHeader().messageId();
        MqttProperties props = m.idAndPropertiesVariableHeader().properties();
        Integer subscriptionId = MessageMapping.intProperty(props, MqttProperties.SUBSCRIPTION_IDENTIFIER);
        if (subscriptionId != null && subscriptionId == 0) {
            conn.protocolError("a subscription identifier of 0 is not allowed");
            return;
        }
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (MqttTopicSubscription t : m.payload().topicSubscriptions()) {
            results.add(subscribe(t.topicName(), t.option(), subscriptionId == null ? 0 : subscriptionId));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((v, ignored) ->
                conn.inLoop(() -> {
                    List<Integer> codes = new ArrayList<>(results.size());
                    for (CompletableFuture<Integer> r : results) {
                        codes.add(r.join());
                    }
                    String why = codes.stream().anyMatch(c -> c >= UNSPECIFIED) ? "some filters were refused" : null;
                    conn.ctx.writeAndFlush(Packets.subAck(packetId, codes, conn.v5(), conn.why(why)));
                }));
    }

    /** @return the granted QoS or a failure reason code */
    private CompletableFuture<Integer> subscribe(String name, MqttSubscriptionOption option, int subscriptionId) {
        TopicMapping.Shared shared = TopicMapping.shared(name);
        String filter = shared == null ? name : shared.filter();
        String invalid = TopicMapping.invalidFilter(filter);
        if (invalid == null && shared != null
                && (shared.group().isEmpty() || shared.group().contains("+") || shared.group().contains("#"))) {
            invalid = "shared subscription '" + name + "' needs a group name without wildcards";
        }
        if (invalid != null) {
            LOG.debug("MQTT client '{}': {}", conn.session.clientId, invalid);
            return CompletableFuture.completedFuture(conn.v5() ? FILTER_INVALID : UNSPECIFIED);
        }
        if (shared != null && option.isNoLocal()) {
            conn.protocolError("no-local is not allowed on a shared subscription");
            return CompletableFuture.completedFuture(UNSPECIFIED);
        }
        SubscriptionEntry entry = new SubscriptionEntry(filter, shared == null ? null : shared.group(),
                option.qos().value(), option.isNoLocal(), option.isRetainAsPublished(),
                option.retainHandling().value(), subscriptionId);
        try {
            conn.core.checkTopicPermission(Permission.CONSUME, exchange(), entry.pattern());
        } catch (BrokerException e) {
            LOG.info("MQTT client '{}' may not subscribe to '{}': {}", conn.session.clientId, name, e.getMessage());
            return CompletableFuture.completedFuture(MqttErrors.subscribeRefused(e.code(), conn.v5()));
        }
        boolean isNew = !conn.session.subscriptions.containsKey(entry.name());
        conn.session.subscriptions.put(entry.name(), entry);
        patterns.put(entry.name(), NamePattern.of(entry.pattern()));
        conn.hub.persist(conn.session);
        CompletableFuture<Void> done = shared == null ? bindToSessionQueue(entry) : bindShared(entry);
        return done.thenApply(v -> {
            if (shared == null && (entry.retainHandling() == 0 || entry.retainHandling() == 1 && isNew)) {
                sendRetained(entry);
            }
            return entry.qos();
        }).exceptionally(t -> {
            BrokerException e = BrokerException.from(t);
            LOG.info("MQTT client '{}': subscribing to '{}' failed: {}", conn.session.clientId, name, e.getMessage());
            conn.inLoop(() -> {
                conn.session.subscriptions.remove(entry.name());
                patterns.remove(entry.name());
                conn.hub.persist(conn.session);
            });
            return MqttErrors.subscribeRefused(e.code(), conn.v5());
        });
    }

    /** The session's queue is the adapter's, for the client: the permission checked is on the filter bound. */
    private CompletableFuture<Void> bindToSessionQueue(SubscriptionEntry e) {
        String queue = conn.session.queueName();
        QueueDeclaration decl = conn.session.persistent()
                ? new QueueDeclaration(queue, true, false, false, Map.of("x-max-length",
                conn.hub.settings().maxQueuedMessages(), "x-overflow", "drop-head"), false)
                : new QueueDeclaration(queue, false, true, false, Map.of(), false);
        return admin().bindManagedQueue(decl, exchange(), e.pattern())
                .thenCompose(v -> ensureSessionConsumer());
    }

    private CompletableFuture<Void> ensureSessionConsumer() {
        if (sessionConsumer != null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        conn.inLoop(() -> {
            if (sessionConsumer != null) {
                done.complete(null);
                return;
            }
            // A placeholder stops a second subscribe from attaching a second consumer meanwhile.
            sessionConsumer = PENDING;
            conn.core.consume(Source.managedQueue(conn.session.queueName()), consumeOptions())
                    .whenComplete((s, t) -> {
                        if (t != null) {
                            sessionConsumer = null;
                            done.completeExceptionally(t);
                        } else {
                            sessionConsumer = s;
                            done.complete(null);
                        }
                    });
        });
        return done;
    }

    private CompletableFuture<Void> bindShared(SubscriptionEntry e) {
        return admin().bindManagedQueue(QueueDeclaration.durable(MqttHub.sharedQueueName(e)), exchange(), e.pattern())
                .thenCompose(v -> consumeShared(e));
    }

    private CompletableFuture<Void> consumeShared(SubscriptionEntry e) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        conn.inLoop(() -> {
            if (sharedConsumers.containsKey(e.name())) {
                done.complete(null);
                return;
            }
            sharedConsumers.put(e.name(), PENDING);
            conn.core.consume(Source.managedQueue(MqttHub.sharedQueueName(e)), consumeOptions())
                    .whenComplete((s, t) -> {
                        if (t != null) {
                            sharedConsumers.remove(e.name());
                            done.completeExceptionally(t);
                        } else {
                            sharedConsumers.put(e.name(), s);
                            done.complete(null);
                        }
                    });
        });
        return done;
    }

    /** Retained messages matching a new subscription go through the session's queue, flagged as retained. */
    private void sendRetained(SubscriptionEntry e) {
        for (Message m : conn.hub.retained.matching(conn.session.vhost, e.filter())) {
            Message copy = m.toBuilder().id(0)
                    .property(MessageMapping.TOPIC, MessageMapping.topicOf(m))
                    .property(MessageMapping.RETAINED_COPY, true)
                    .property(MessageMapping.QOS, Math.min(MessageMapping.publishedQos(m), e.qos()))
                    .build();
            conn.hub.publish(conn.session.vhost, copy, "", conn.session.queueName());
        }
    }

    void onUnsubscribe(MqttUnsubscribeMessage m) {
        int packetId = m.variableHeader().messageId();
        List<Short> codes = new ArrayList<>();
        List<CompletableFuture<?>> steps = new ArrayList<>();
        for (String name : m.payload().topics()) {
            SubscriptionEntry e = conn.session.subscriptions.remove(name);
            patterns.remove(name);
            if (e == null) {
                codes.add((short) 0x11); // no subscription existed
                continue;
            }
            codes.add((short) 0);
            if (e.shareGroup() == null) {
                if (admin().queueExists(conn.session.queueName()) && !samePatternStillUsed(e)) {
                    steps.add(admin().unbindManagedQueue(conn.session.queueName(), exchange(), e.pattern())
                            .exceptionally(t -> null));
                }
            } else {
                Subscription s = sharedConsumers.remove(e.name());
                if (s != null && s != PENDING) {
                    steps.add(s.close());
                }
                conn.hub.dropSharedQueueIfUnused(conn.session.vhost, e, conn.session);
            }
        }
        conn.hub.persist(conn.session);
        CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).whenComplete((v, t) ->
                conn.inLoop(() -> conn.ctx.writeAndFlush(Packets.unsubAck(packetId, codes, conn.v5()))));
    }

    private boolean samePatternStillUsed(SubscriptionEntry removed) {
        for (SubscriptionEntry e : conn.session.subscriptions.values()) {
            if (e.shareGroup() == null && e.pattern().equals(removed.pattern())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The subscriptions of this session a delivery matches (all of them count for QoS and identifiers).
     *
     * @param topic its MQTT topic name
     * @param key   the same as a core routing key
     */
    List<SubscriptionEntry> matching(Delivery d, String topic, String key) {
        String queue = d.queueName();
        List<SubscriptionEntry> out = new ArrayList<>(1);
        if (queue.startsWith("mqtt-shared-")) {
            for (SubscriptionEntry e : conn.session.subscriptions.values()) {
                if (e.shareGroup() != null && MqttHub.sharedQueueName(e).equals(queue)) {
                    out.add(e);
                }
            }
            return out;
        }
        boolean dollar = topic.startsWith("$");
        for (SubscriptionEntry e : conn.session.subscriptions.values()) {
            if (e.shareGroup() != null) {
                continue;
            }
            if (dollar && (e.filter().startsWith("+") || e.filter().startsWith("#"))) {
                continue;
            }
            NamePattern p = patterns.computeIfAbsent(e.name(), n -> NamePattern.of(e.pattern()));
            if (p.matches(key)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Stops consuming; the queues keep what a persistent session has not yet received. */
    void closeAll() {
        if (sessionConsumer != null && sessionConsumer != PENDING) {
            sessionConsumer.close();
        }
        sessionConsumer = null;
        for (Subscription s : sharedConsumers.values()) {
            if (s != PENDING) {
                s.close();
            }
        }
        sharedConsumers.clear();
    }

    /** Marks a consumer being attached (never delivered to, never closed). */
    private static final Subscription PENDING = new Subscription() {
        @Override
        public long id() {
            return -1;
        }

        @Override
        public String queueName() {
            return "";
        }

        @Override
        public void credit(int n) {
        }

        @Override
        public void creditUpTo(long totalDeliveries) {
        }

        @Override
        public CompletableFuture<Integer> drain() {
            return CompletableFuture.completedFuture(0);
        }

        @Override
        public long delivered() {
            return 0;
        }

        @Override
        public CompletableFuture<Void> close() {
            return CompletableFuture.completedFuture(null);
        }
    };
}
