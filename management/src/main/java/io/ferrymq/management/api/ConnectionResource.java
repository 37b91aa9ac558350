package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Caller;
import io.ferrymq.management.http.Reply;
import io.ferrymq.transport.ConnectionDirectory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * {@code /api/connections} and {@code /api/consumers}. A connection's name is its broker connection id. Monitoring
 * and administrator users see every connection; management users their own.
 */
final class ConnectionResource {

    private final Operator operator;
    private final Visibility visibility;
    private final ChannelResource channels;
    private volatile ConnectionDirectory directory;

    ConnectionResource(Operator operator, Visibility visibility, ChannelResource channels) {
        this.operator = operator;
        this.visibility = visibility;
        this.channels = channels;
    }

    void attach(ConnectionDirectory directory) {
        this.directory = directory;
    }

    private List<Operator.ConnectionView> visible(Caller caller) {
        return operator.connections().stream()
                .filter(c -> !CallerSessions.PROTOCOL.equals(c.protocol()))
                .filter(c -> visibility.maySee(caller, c.user(), c.vhost()))
                .toList();
    }

    CompletableFuture<Reply> list(Call c) {
        String vhost = c.params().get("vhost");
        if (vhost != null) {
            visibility.requireVhost(c.caller(), vhost);
        }
        List<Operator.ConnectionView> conns = visible(c.caller()).stream()
                .filter(v -> vhost == null || v.vhost().equals(vhost)).toList();
        return channelCounts(c).thenApply(counts -> Reply.ok(Shapes.all(conns,
                v -> Shapes.connection(v, counts.getOrDefault(v.id(), 0L)))));
    }

    CompletableFuture<Reply> get(Call c) {
        Operator.ConnectionView conn = find(c);
        return channelCounts(c).thenApply(counts -> Reply.ok(Shapes.connection(conn,
                counts.getOrDefault(conn.id(), 0L))));
    }

    /** How many channels each connection has open, by connection id. */
    private CompletableFuture<Map<Long, Long>> channelCounts(Call c) {
        return channels.visible(c.caller()).thenApply(all -> all.stream()
                .collect(Collectors.groupingBy(Operator.ChannelView::connectionId, Collectors.counting())));
    }

    /** RabbitMQ's reason when the request gives none. */
    static final String DEFAULT_REASON = "Closed via management plugin";

    /**
     * Closes the connection: the protocol tells the client, in its own terms, the reason in the {@code X-Reason}
     * header (RabbitMQ's), and the socket closes; an in-process session has no socket, so only its session ends.
     */
    CompletableFuture<Reply> close(Call c) {
        Operator.ConnectionView conn = find(c);
        if (!c.caller().administrator() && !conn.user().equals(c.caller().name())) {
            throw ApiException.forbidden("user '" + c.caller().name() + "' may close only its own connections");
        }
        ConnectionDirectory d = directory;
        String reason = c.request().reason() == null || c.request().reason().isBlank() ? DEFAULT_REASON
                : c.request().reason();
        boolean socket = d != null && conn.peer() != null && d.close(conn.peer(), reason);
        if (!socket) {
            operator.closeSessions(conn.id());
        }
        return done(Reply.noContent());
    }

    private Operator.ConnectionView find(Call c) {
        String name = c.param("name");
        return visible(c.caller()).stream().filter(v -> Long.toString(v.id()).equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no connection '" + name + "'"));
    }

    CompletableFuture<Reply> consumers(Call c) {
        String vhost = c.params().get("vhost");
        List<Long> mine = visible(c.caller()).stream().map(Operator.ConnectionView::id).toList();
        return done(Reply.ok(Shapes.all(operator.consumers().stream()
                .filter(v -> mine.contains(v.connectionId()))
                .filter(v -> c.caller().seesVhost(v.vhost()))
                .filter(v -> vhost == null || v.vhost().equals(vhost)).toList(), Shapes::consumer)));
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }
}
