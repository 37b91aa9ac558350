package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/streams}: the broker's streams (Kinesis data streams and the logs behind AMQP 0-9-1 stream queues),
 * with what each shard retains. RabbitMQ has no such path (it lists its streams among the queues, as this API does
 * for stream queues too); the shape follows its conventions.
 */
final class StreamResource {

    private final Operator operator;

    StreamResource(Operator operator) {
        this.operator = operator;
    }

    CompletableFuture<Reply> list(Call c) {
        String vhost = c.params().get("vhost");
        if (vhost != null && !operator.vhosts().contains(vhost)) {
            throw ApiException.notFound("no virtual host '" + vhost + "'");
        }
        List<Operator.StreamView> streams = operator.streams().stream()
                .filter(s -> vhost == null || s.vhost().equals(vhost))
                .filter(s -> c.caller().seesVhost(s.vhost())).toList();
        return CompletableFuture.completedFuture(Reply.ok(Shapes.all(streams, Shapes::stream)));
    }

    CompletableFuture<Reply> get(Call c) {
        return CompletableFuture.completedFuture(Reply.ok(Shapes.stream(operator.stream(c.param("vhost"),
                c.param("name")))));
    }
}
