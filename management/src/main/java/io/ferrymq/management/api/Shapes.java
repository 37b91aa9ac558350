package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.QueueStats;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON objects of RabbitMQ's management API, filled from the broker's views. */
final class Shapes {

    /** RabbitMQ names the default exchange {@code amq.default} in paths. */
    static final String DEFAULT_EXCHANGE_PATH = "amq.default";

    private Shapes() {
    }

    static Map<String, Object> queue(Operator.QueueView q) {
        QueueStats s = q.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("vhost", q.vhost());
        // A stream queue (x-queue-type stream) is listed as one, as RabbitMQ does; its log is under /api/streams.
        m.put("type", "stream".equals(String.valueOf(q.arguments().get("x-queue-type"))) ? "stream" : "classic");
        m.put("durable", q.durable());
        m.put("auto_delete", q.autoDelete());
        m.put("exclusive", q.exclusive());
        m.put("arguments", q.arguments());
        m.put("state", "running");
        m.put("messages", s.total());
        m.put("messages_ready", s.ready() + s.paged());
        m.put("messages_unacknowledged", s.inFlight());
        m.put("messages_paged_out", s.paged());
        m.put("messages_scheduled", s.scheduled());
        m.put("message_bytes", s.bytes());
        m.put("consumers", s.consumers());
        m.put("message_stats", Map.of("publish", s.enqueued(), "ack", s.acknowledged()));
        m.put("messages_expired", s.expired());
        m.put("messages_dead_lettered", s.deadLettered());
        m.put("messages_dropped", s.dropped());
        return m;
    }

    static Map<String, Object> stream(Operator.StreamView s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("vhost", s.vhost());
        m.put("type", "stream");
        m.put("status", s.status());
        m.put("mode", s.mode());
        m.put("retention_ms", s.retentionMillis());
        m.put("retention_bytes", s.retentionBytes());
        m.put("created_at", s.createdMillis());
        m.put("messages", s.records());
        List<Map<String, Object>> shards = new ArrayList<>();
        for (Operator.ShardView shard : s.shards()) {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("index", shard.index());
            sm.put("open", shard.open());
            sm.put("first_offset", shard.first());
            sm.put("end_offset", shard.end());
            sm.put("messages", shard.records());
            shards.add(sm);
        }
        m.put("shards", shards);
        return m;
    }

    static Map<String, Object> exchange(Operator.ExchangeView e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("vhost", e.vhost());
        m.put("type", e.type().wireName());
        m.put("durable", e.durable());
        m.put("auto_delete", e.autoDelete());
        m.put("internal", e.internal());
        m.put("arguments", e.arguments());
        return m;
    }

    static Map<String, Object> binding(Operator.BindingView b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", b.source());
        m.put("vhost", b.vhost());
        m.put("destination", b.destination());
        m.put("destination_type", b.destinationType());
        m.put("routing_key", b.routingKey());
        m.put("arguments", b.arguments());
        m.put("properties_key", b.routingKey().isEmpty() ? "~" : b.routingKey());
        return m;
    }

    static Map<String, Object> connection(Operator.ConnectionView c, long channels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", Long.toString(c.id()));
        m.put("user", c.user());
        m.put("vhost", c.vhost());
        m.put("protocol", c.protocol());
        m.put("node", "ferrymq");
        m.put("type", "network");
        m.put("state", "running");
        m.put("channels", channels);
        m.put("consumers", c.consumers());
        m.put("listener", c.listener());
        if (c.peer() instanceof InetSocketAddress inet) {
            m.put("peer_host", inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress());
            m.put("peer_port", inet.getPort());
        } else {
            m.put("peer_host", c.peer() == null ? null : c.peer().toString());
            m.put("peer_port", null);
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("client_id", c.clientId());
        m.put("client_properties", props);
        return m;
    }

    static Map<String, Object> consumer(Operator.ConsumerView c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queue", Map.of("name", c.queue(), "vhost", c.vhost()));
        m.put("consumer_tag", Long.toString(c.consumerId()));
        m.put("channel_details", Map.of("connection_name", Long.toString(c.connectionId())));
        m.put("ack_required", true);
        m.put("active", true);
        m.put("delivered", c.delivered());
        return m;
    }

    static Map<String, Object> user(Operator.UserView u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("tags", u.roles().stream().sorted().toList());
        m.put("loopback_only", u.loopbackOnly());
        return m;
    }

    /** One permission view per user it names; rules for roles show as {@code role}. */
    static Map<String, Object> permission(Operator.PermissionView p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p.user() != null) {
            m.put("user", p.user());
        } else {
            m.put("role", p.role());
        }
        m.put("vhost", p.vhost());
        m.put("configure", p.configure());
        m.put("write", p.write());
        m.put("read", p.read());
        return m;
    }

    /** A message as {@code /api/queues/{vhost}/{name}/get} returns it. */
    static Map<String, Object> message(Message msg, boolean redelivered, long remaining, String encoding, int truncate) {
        Map<String, Object> m = new LinkedHashMap<>();
        byte[] body = msg.body();
        m.put("payload_bytes", body.length);
        m.put("redelivered", redelivered);
        m.put("exchange", msg.address());
        m.put("routing_key", msg.routingKey());
        m.put("message_count", remaining);
        m.put("properties", properties(msg));
        byte[] shown = truncate >= 0 && body.length > truncate ? java.util.Arrays.copyOf(body, truncate) : body;
        String text = "base64".equals(encoding) ? null : utf8(shown);
        if (text != null) {
            m.put("payload", text);
            m.put("payload_encoding", "string");
        } else {
            m.put("payload", Base64.getEncoder().encodeToString(shown));
            m.put("payload_encoding", "base64");
        }
        return m;
    }

    static Map<String, Object> properties(Message msg) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("delivery_mode", msg.durable() ? 2 : 1);
        p.put("priority", msg.priority());
        putIfSet(p, "content_type", msg.contentType());
        putIfSet(p, "content_encoding", msg.contentEncoding());
        putIfSet(p, "message_id", msg.messageId());
        putIfSet(p, "correlation_id", msg.correlationId());
        putIfSet(p, "reply_to", msg.replyTo());
        putIfSet(p, "user_id", msg.userId());
        if (msg.timestamp() > 0) {
            p.put("timestamp", msg.timestamp() / 1000);
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        msg.properties().forEach((k, v) -> headers.put(k, v instanceof byte[] b ? Base64.getEncoder().encodeToString(b) : v));
        p.put("headers", headers);
        return p;
    }

    private static void putIfSet(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static <T> List<Map<String, Object>> all(List<T> views, java.util.function.Function<T, Map<String, Object>> shape) {
        List<Map<String, Object>> out = new ArrayList<>(views.size());
        for (T v : views) {
            out.add(shape.apply(v));
        }
        return out;
    }
}
