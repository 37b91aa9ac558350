package io.ferrymq.mqtt;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.SendResult;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.state.StateStore;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ferrymq.mqtt.ReasonCodes.*;

/**
 * Publishes from one client into the broker: topic aliases, the broker's receive maximum, QoS 2
 * de-duplication, retained updates and the acknowledgements, which go out in the order the publishes
 * came in (MQTT 4.6) even when their stores complete out of order. Runs on the connection's event loop.
 */
final class InboundFlow {

    private static final Logger LOG = LoggerFactory.getLogger(InboundFlow.class);

    // PUBACK / PUBREC / PUBCOMP reason codes the adapter decides itself (MQTT 5); the core's are MqttErrors'

    /** One publish between its arrival and its acknowledgement. */
    private static final class Pending {
        final int qos;
        final int packetId;
        final String topic;
        final Message message;
        boolean done;
        SendResult result;
        BrokerException failure;
        /** The reason code of a refusal the broker decided itself, before the core saw the publish. */
        byte refusal;
        /** QoS 2 on a persistent session: its packet id was stored in one batch with the message. */
        boolean storedWithMessage;

        Pending(int qos, int packetId, String topic, Message message) {
            this.qos = qos;
            this.packetId = packetId;
            this.topic = topic;
            this.message = message;
        }
    }

    private final MqttConnection conn;
    private final Map<Integer, String> aliases = new HashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** QoS 1 and 2 publishes counted against the receive maximum until PUBACK or PUBCOMP. */
    private int quotaUsed;
    /** The topic of the last publish and its core routing key (see {@link #keyOf}). */
    private String lastTopic;
    private String lastKey;
    /** The route of {@code lastKey}, made again only when the key changes (compared by identity: see keyOf). */
    private Route lastRoute;

    InboundFlow(MqttConnection conn) {
        this.conn = conn;
    }

    /** Publishes being stored: the connection stops reading while too many are. */
    int storing() {
        return pending.size();
    }

    void onPublish(MqttPublishMessage p) {
        int qos = p.fixedHeader().qosLevel().value();
        int packetId = p.variableHeader().packetId();
        MqttProperties props = p.variableHeader().properties();
        String topic = topic(p.variableHeader().topicName(), props);
        if (topic == null) {
            return;
        }
        String invalid = TopicMapping.invalidTopicName(topic);
        if (invalid != null) {
            conn.disconnect(ReasonCodes.TOPIC_NAME_INVALID, invalid);
            return;
        }
        if (qos == 2 && conn.session.inboundAwaitingRelease.contains(packetId)) {
            // A resend of a publish already routed: acknowledged again, never routed twice.
            Pending again = new Pending(qos, packetId, topic, null);
            again.done = true;
            pending.add(again);
            sendAcks();
            return;
        }
        if (qos > 0 && ++quotaUsed > conn.hub.settings().receiveMaximum()) {
            conn.disconnect(ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED, "more than " + conn.hub.settings().receiveMaximum()
                    + " unacknowledged QoS 1 and 2 publishes; the broker's receive maximum is "
                    + conn.hub.settings().receiveMaximum());
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(p.payload());
        boolean retain = p.fixedHeader().isRetain();
        String key = keyOf(topic);
        Message m = MessageMapping.fromKeyedPublish(key, payload, qos, retain, conn.v5() ? props : null,
                System.currentTimeMillis(), conn.core.principal().name());
        Pending entry = new Pending(qos, packetId, topic, m);
        pending.add(entry);
        conn.updateAutoRead();
        if (conn.v5() && Integer.valueOf(1).equals(MessageMapping.intProperty(props, MqttProperties.PAYLOAD_FORMAT_INDICATOR))
                && !isUtf8(payload)) {
            entry.refusal = PAYLOAD_FORMAT_INVALID;
            complete(entry, null, BrokerException.invalid(
                    "the payload format indicator says UTF-8 but the payload is not valid UTF-8"));
            return;
        }
        if (topic.startsWith("$SYS")) {
            complete(entry, null, BrokerException.unauthorized("$SYS topics are published by the broker only"));
            return;
        }
        List<StateStore.Staged> state = List.of();
        if (qos == 2 && conn.session.persistent()) {
            // The packet id goes to storage in the same batch as the message: a crash leaves both or neither,
            // so a resend after a restart is never routed a second time.
            conn.session.inboundRouting.add(packetId);
            entry.storedWithMessage = true;
            state = conn.hub.stateStoredWith(conn.session);
        }
        if (lastRoute == null || lastRoute.routingKey() != key) {
            lastRoute = Route.exchange(conn.hub.settings().exchange(), key);
        }
        conn.core.sendStoredWith(lastRoute, m, state)
                .whenComplete((r, t) -> complete(entry, r, t == null ? null : BrokerException.from(t)));
    }

    /**
     * The core routing key of a publish's topic: the last one again when the topic is the same (a producer mostly
     * publishes to one topic), so that it is not mapped, and its characters copied twice, for every publish.
     */
    private String keyOf(String topic) {
        if (!topic.equals(lastTopic)) {
            lastKey = TopicMapping.toKey(topic);
            lastTopic = topic;
        }
        return lastKey;
    }

    /** The topic of a publish after topic aliases (MQTT 5, 3.3.2.3.4), or null after a protocol error. */
    private String topic(String name, MqttProperties props) {
        Integer alias = conn.v5() ? MessageMapping.intProperty(props, MqttProperties.TOPIC_ALIAS) : null;
        if (alias == null) {
            if (name.isEmpty()) {
                conn.disconnect(ReasonCodes.PROTOCOL_ERROR, "a PUBLISH needs a topic name or a topic alias");
                return null;
            }
            return name;
        }
        int max = conn.hub.settings().topicAliasMaximum();
        if (alias < 1 || alias > max) {
            conn.disconnect(ReasonCodes.TOPIC_ALIAS_INVALID, "topic alias " + alias + " is outside 1.." + max
                    + ", the broker's topic alias maximum");
            return null;
        }
        if (name.isEmpty()) {
            String known = aliases.get(alias);
            if (known == null) {
                conn.disconnect(ReasonCodes.PROTOCOL_ERROR, "topic alias " + alias + " was never given a topic");
            }
            return known;
        }
        aliases.put(alias, name);
        return name;
    }

    private void complete(Pending entry, SendResult result, BrokerException failure) {
        if (entry.storedWithMessage) {
            conn.session.inboundRouting.remove(entry.packetId);
            if (failure != null) {
                conn.hub.persist(conn.session); // not routed: the stored packet id must go again
            }
        }
        entry.done = true;
        entry.result = result;
        entry.failure = failure;
        sendAcks();
        conn.updateAutoRead();
    }

    /** Acknowledges the completed publishes at the head of the line, in arrival order. */
    private void sendAcks() {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().done) {
            Pending e = pending.poll();
            if (!conn.isOpen()) {
                continue;
            }
            if (e.message == null) {
                conn.ctx.write(Packets.pubReply(MqttMessageType.PUBREC, e.packetId, (byte) 0, conn.v5(), null));
                wrote = true;
                continue;
            }
            byte reason;
            String why = null;
            if (e.failure == null) {
                conn.hub.received.incrementAndGet();
                if (e.message.property(MessageMapping.RETAIN) != null) {
                    conn.hub.retained.set(conn.session.vhost, e.topic, e.message);
                }
                reason = e.result.queues() == 0 ? NO_MATCHING_SUBSCRIBERS : 0;
            } else {
                reason = e.refusal != 0 ? e.refusal : MqttErrors.publishRefused(e.failure.code());
                why = e.failure.getMessage();
                LOG.info("MQTT client '{}': publish to '{}' refused: {}", conn.session.clientId, e.topic, why);
                if (!conn.v5() && !MqttErrors.v3KeepsConnectionAfterRefusedPublish(e.failure.code())) {
                    // MQTT 3 has no way to refuse a publish: closing makes the client send it again later.
                    conn.close("a publish to '" + e.topic + "' could not be stored: " + why);
                    return;
                }
            }
            if (e.qos == 1) {
                quotaUsed = Math.max(0, quotaUsed - 1);
                conn.ctx.write(Packets.pubReply(MqttMessageType.PUBACK, e.packetId, reason, conn.v5(), conn.why(why)),
                        conn.ctx.voidPromise());
                wrote = true;
            } else if (e.qos == 2) {
                if (reason >= 0 || !conn.v5()) {
                    conn.session.inboundAwaitingRelease.add(e.packetId);
                    if (!e.storedWithMessage) {
                        conn.hub.persist(conn.session); // already stored with the message otherwise
                    }
                } else {
                    quotaUsed = Math.max(0, quotaUsed - 1); // refused: the exchange ends here
                }
                conn.ctx.write(Packets.pubReply(MqttMessageType.PUBREC, e.packetId, reason, conn.v5(), conn.why(why)));
                wrote = true;
            }
        }
        if (wrote) {
            conn.replies.request();
        }
    }

    void onPubRel(int packetId) {
        boolean known = conn.session.inboundAwaitingRelease.remove(packetId);
        if (known) {
            conn.hub.persist(conn.session);
        }
        quotaUsed = Math.max(0, quotaUsed - 1);
        conn.ctx.write(Packets.pubReply(MqttMessageType.PUBCOMP, packetId, known ? 0 : PACKET_ID_NOT_FOUND,
                conn.v5(), known ? null : conn.why("no QoS 2 publish with packet id " + packetId + " awaits release")));
        conn.replies.request();
    }

    private static boolean isUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
