package io.ferrymq.management.api;

import io.ferrymq.core.api.ChannelInfo;
import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Caller;
import io.ferrymq.management.http.Reply;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/channels}: one entry per AMQP 0-9-1 channel, AMQP 1.0 session and OpenWire session, and one implicit
 * channel for a STOMP, MQTT or other connection that has no channels of its own (as RabbitMQ's STOMP and MQTT
 * plugins show one). A channel's name is RabbitMQ's: {@code <connection name> (<number>)}. Who sees which follows
 * the connections.
 */
final class ChannelResource {

    /** Each connection answers on its own event loop; one that is stuck must not hold the request forever. */
    private static final long ANSWER_SECONDS = 10;

    private final Operator operator;
    private final Visibility visibility;

    ChannelResource(Operator operator, Visibility visibility) {
        this.operator = operator;
        this.visibility = visibility;
    }

    /** The channels the caller may see, in connection then channel order. */
    CompletableFuture<List<Operator.ChannelView>> visible(Caller caller) {
        return operator.channels().orTimeout(ANSWER_SECONDS, TimeUnit.SECONDS).thenApply(all -> all.stream()
                .filter(c -> !CallerSessions.PROTOCOL.equals(c.protocol()))
                .filter(c -> visibility.maySee(caller, c.user(), c.vhost()))
                .toList());
    }

    CompletableFuture<Reply> list(Call c) {
        String vhost = c.params().get("vhost");
        if (vhost != null) {
            visibility.requireVhost(c.caller(), vhost);
        }
        return visible(c.caller()).thenApply(all -> Reply.ok(Shapes.all(all.stream()
                .filter(v -> vhost == null || v.vhost().equals(vhost)).toList(), ChannelResource::shape)));
    }

    /** {@code /api/connections/{name}/channels}. */
    CompletableFuture<Reply> ofConnection(Call c) {
        String name = c.param("name");
        return visible(c.caller()).thenApply(all -> {
            List<Operator.ChannelView> mine = all.stream()
                    .filter(v -> Long.toString(v.connectionId()).equals(name)).toList();
            if (mine.isEmpty()) {
                throw ApiException.notFound("no connection '" + name + "'");
            }
            return Reply.ok(Shapes.all(mine, ChannelResource::shape));
        });
    }

    CompletableFuture<Reply> get(Call c) {
        String name = c.param("name");
        return visible(c.caller()).thenApply(all -> all.stream().filter(v -> name(v).equals(name)).findFirst()
                .map(v -> Reply.ok(shape(v)))
                .orElseThrow(() -> ApiException.notFound("no channel '" + name + "'")));
    }

    static String name(Operator.ChannelView v) {
        return v.connectionId() + " (" + v.channel().number() + ")";
    }

    static Map<String, Object> shape(Operator.ChannelView v) {
        ChannelInfo ch = v.channel();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name(v));
        m.put("number", ch.number());
        m.put("node", "ferrymq");
        m.put("user", v.user());
        m.put("vhost", v.vhost());
        m.put("protocol", v.protocol());
        m.put("state", "running");
        m.put("consumer_count", ch.consumers());
        m.put("messages_unacknowledged", ch.unacknowledged());
        m.put("messages_unconfirmed", 0);
        m.put("messages_uncommitted", 0);
        m.put("acks_uncommitted", 0);
        m.put("prefetch_count", ch.prefetch());
        m.put("global_prefetch_count", ch.globalPrefetch());
        m.put("confirm", ch.confirm());
        m.put("transactional", ch.transactional());
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("name", Long.toString(v.connectionId()));
        if (v.peer() instanceof InetSocketAddress inet) {
            conn.put("peer_host", inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress());
            conn.put("peer_port", inet.getPort());
        } else {
            conn.put("peer_host", v.peer() == null ? null : v.peer().toString());
            conn.put("peer_port", null);
        }
        m.put("connection_details", conn);
        return m;
    }
}
