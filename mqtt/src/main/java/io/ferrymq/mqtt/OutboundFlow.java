package io.ferrymq.mqtt;

import io.ferrymq.core.api.OwedCredit;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ferrymq.mqtt.ReasonCodes.*;

/**
 * Publishes from the broker to one client and their acknowledgements: packet ids, the QoS 1 and QoS 2
 * handshakes, the client's receive maximum (as core credit), its maximum packet size and topic aliases.
 * Runs on the connection's event loop.
 */
final class OutboundFlow {

    private final MqttConnection conn;
    /** QoS 1 awaiting PUBACK, QoS 2 awaiting PUBREC. */
    private final Map<Integer, Delivery> awaitingAck = new HashMap<>();
    /** QoS 2 after PUBREC: the credit it holds comes back with PUBCOMP. */
    private final Map<Integer, Subscription> awaitingComplete = new HashMap<>();
    private final Map<String, Integer> aliases = new HashMap<>();
    private int nextPacketId = 1;
    /**
     * Credit of QoS 0 deliveries that reached the socket, granted back in batches (and at every flush)
     * rather than one core round trip per message.
     */
    private final Map<Subscription, OwedCredit> owedCredit = new HashMap<>();
    int clientTopicAliasMaximum;
    long clientMaxPacketBytes = Long.MAX_VALUE;

    OutboundFlow(MqttConnection conn) {
        this.conn = conn;
    }

    /** After a reconnect: QoS 2 deliveries the client had acknowledged get their PUBREL again. */
    void resume() {
        for (int id : conn.session.outboundAwaitingComplete) {
            conn.ctx.write(Packets.pubReply(MqttMessageType.PUBREL, id, (byte) 0, conn.v5(), null));
        }
        conn.ctx.flush();
    }

    /** @param topic the message's MQTT topic name */
    void deliver(Delivery d, List<SubscriptionEntry> matches, String topic) {
        Message m = d.message();
        if (matches.isEmpty() || noLocal(m, matches)) {
            settle(d, true);
            return;
        }
        int granted = 0;
        boolean retainAsPublished = false;
        List<Integer> subscriptionIds = List.of();
        for (SubscriptionEntry e : matches) {
            granted = Math.max(granted, e.qos());
            retainAsPublished |= e.retainAsPublished();
            if (e.subscriptionId() > 0) {
                if (subscriptionIds.isEmpty()) {
                    subscriptionIds = new ArrayList<>(2);
                }
                subscriptionIds.add(e.subscriptionId());
            }
        }
        int qos = Math.min(MessageMapping.publishedQos(m), granted);
        boolean retain = Boolean.TRUE.equals(m.property(MessageMapping.RETAINED_COPY))
                || retainAsPublished && Boolean.TRUE.equals(m.property(MessageMapping.RETAIN));
        boolean aliasing = conn.v5() && clientTopicAliasMaximum > 0;
        boolean resend = qos > 0 && conn.session.unacknowledged.containsKey(m.id());
        SharedPublish shared = resend || !SharedPublish.applies(m, conn.v5(), aliasing) ? null
                : SharedPublish.forDelivery(m, new SharedPublish.Shape(conn.v5(), qos, retain, topic,
                        conn.v5() ? subscriptionIds : List.of()));
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        if (shared != null) {
            if (conn.v5() && shared.length() > clientMaxPacketBytes) {
                // MQTT 5, 3.1.2.11.4: a message too large for the client is dropped as if delivered.
                settle(d, true);
                return;
            }
        } else {
            props = conn.v5()
                    ? MessageMapping.properties(m, System.currentTimeMillis(), subscriptionIds) : MqttProperties.NO_PROPERTIES;
            if (conn.v5() && estimatedSize(topic, m, props) > clientMaxPacketBytes) {
                settle(d, true);
                return;
            }
        }
        int packetId = 0;
        boolean dup = false;
        if (qos > 0) {
            Integer reused = conn.session.unacknowledged.remove(m.id());
            dup = reused != null;
            packetId = dup ? reused : allocatePacketId();
            awaitingAck.put(packetId, d);
            if (qos == 2 && conn.session.persistent()) {
                // Until PUBREC, a broker restart must resend this message under the same packet id.
                conn.session.unacknowledged.put(m.id(), packetId);
                conn.hub.persist(conn.session);
                conn.session.unacknowledged.remove(m.id());
            }
        }
        Object publish;
        if (shared != null) {
            publish = shared.packetFor(conn.ctx.alloc(), packetId);
        } else {
            String wireTopic = topic;
            if (aliasing) {
                Integer alias = aliases.get(topic);
                if (alias != null) {
                    wireTopic = "";
                } else if (aliases.size() < clientTopicAliasMaximum) {
                    alias = aliases.size() + 1;
                    aliases.put(topic, alias);
                }
                if (alias != null) {
                    props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
                }
            }
            publish = new MqttPublishMessage(
                    new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
                    new MqttPublishVariableHeader(wireTopic, packetId, props), Unpooled.wrappedBuffer(m.body()));
        }
        conn.hub.sent.incrementAndGet();
        if (qos == 0) {
            // Settled and credited once the frame is on the socket: a slow reader holds back deliveries.
            conn.ctx.write(publish).addListener(f -> {
                if (d.needsSettlement()) {
                    conn.core.settle(d, f.isSuccess() ? Outcome.ACCEPT : Outcome.REQUEUE, null);
                }
                owe(d.subscription());
            });
        } else {
            conn.ctx.write(publish, conn.ctx.voidPromise());
        }
    }

    /** A message this client published itself, matching only subscriptions that asked not to see those. */
    private boolean noLocal(Message m, List<SubscriptionEntry> matches) {
        for (SubscriptionEntry e : matches) {
            if (!e.noLocal()) {
                return false;
            }
        }
        return m.originConnection() == conn.core.connectionId();
    }

    private long estimatedSize(String topic, Message m, MqttProperties props) {
        long size = 5 + 2 + topic.getBytes(StandardCharsets.UTF_8).length + 2 + m.body().length;
        for (MqttProperties.MqttProperty<?> p : props.listAll()) {
            Object v = p.value();
            size += 1 + (v instanceof String s ? 2 + s.length() * 3L : v instanceof byte[] b ? 2 + b.length : 4);
        }
        return size;
    }

    private void owe(Subscription s) {
        // Never more than a quarter of the window held back, so a consumer cannot stall with credit owed.
        // get, then put: computeIfAbsent's lambda would capture this and be allocated for every delivery.
        OwedCredit owed = owedCredit.get(s);
        if (owed == null) {
            owed = new OwedCredit(s, conn.subscriptions.window() / 4);
            owedCredit.put(s, owed);
        }
        if (owed.owe()) {
            owed.giveBack();
        }
    }

    /** Grants whatever QoS 0 credit is owed: called after each batch of deliveries is flushed. */
    void grantOwedCredit() {
        if (!owedCredit.isEmpty()) {
            owedCredit.values().forEach(OwedCredit::giveBack);
            owedCredit.clear();
        }
    }

    private void settle(Delivery d, boolean accepted) {
        conn.core.settle(d, accepted ? Outcome.ACCEPT : Outcome.REQUEUE, null);
        d.subscription().credit(1);
    }

    private int allocatePacketId() {
        for (int tries = 0; tries < 65_535; tries++) {
            int id = nextPacketId;
            nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
            if (!awaitingAck.containsKey(id) && !conn.session.outboundAwaitingComplete.contains(id)
                    && !conn.session.unacknowledged.containsValue(id)) {
                return id;
            }
        }
        throw new IllegalStateException("all 65535 packet ids are in use");
    }

    void onPubAck(int packetId) {
        Delivery d = awaitingAck.remove(packetId);
        if (d != null) {
            settle(d, true);
        }
    }

    void onPubRec(int packetId, int reasonCode) {
        Delivery d = awaitingAck.remove(packetId);
        if (d == null) {
            boolean known = conn.session.outboundAwaitingComplete.contains(packetId);
            conn.ctx.write(Packets.pubReply(MqttMessageType.PUBREL, packetId, known ? 0 : PACKET_ID_NOT_FOUND,
                    conn.v5(), known ? null : conn.why("no publish with packet id " + packetId + " is awaiting PUBREC")));
            conn.replies.request();
            return;
        }
        conn.core.settle(d, Outcome.ACCEPT, null);
        if (reasonCode >= 0x80) {
            // The client refused it: the exchange ends here and the slot is free again.
            d.subscription().credit(1);
            return;
        }
        conn.session.outboundAwaitingComplete.add(packetId);
        conn.hub.persist(conn.session);
        awaitingComplete.put(packetId, d.subscription());
        conn.ctx.write(Packets.pubReply(MqttMessageType.PUBREL, packetId, (byte) 0, conn.v5(), null));
        conn.replies.request();
    }

    void onPubComp(int packetId) {
        if (conn.session.outboundAwaitingComplete.remove(packetId)) {
            conn.hub.persist(conn.session);
        }
        Subscription s = awaitingComplete.remove(packetId);
        if (s != null) {
            s.credit(1);
        }
    }

    /**
     * The connection is gone: QoS 1 and 2 messages the client did not acknowledge go back to their queue
     * (the core does that) and keep their packet ids for the resend.
     */
    void connectionLost() {
        for (Map.Entry<Integer, Delivery> e : awaitingAck.entrySet()) {
            conn.session.unacknowledged.put(e.getValue().message().id(), e.getKey());
        }
        awaitingAck.clear();
        awaitingComplete.clear();
    }
}
