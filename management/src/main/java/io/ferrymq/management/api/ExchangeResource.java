package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.core.api.Operator;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /api/exchanges} and {@code /api/bindings}: list, declare, delete, bind, unbind, publish a test message. */
final class ExchangeResource {

    private final Operator operator;
    private final CallerSessions sessions;
    private final java.util.function.LongSupplier clock;

    ExchangeResource(Operator operator, CallerSessions sessions, java.util.function.LongSupplier clock) {
        this.operator = operator;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** The default exchange is {@code ""}, which a path cannot carry: RabbitMQ calls it {@code amq.default}. */
    static String exchangeName(String inPath) {
        return inPath.equals(Shapes.DEFAULT_EXCHANGE_PATH) ? "" : inPath;
    }

    CompletableFuture<Reply> list(Call c) {
        String vhost = c.params().get("vhost");
        List<Operator.ExchangeView> all = operator.exchanges().stream()
                .filter(e -> vhost == null || e.vhost().equals(vhost))
                .filter(e -> c.caller().seesVhost(e.vhost())).toList();
        return done(Reply.ok(Shapes.all(all, Shapes::exchange)));
    }

    CompletableFuture<Reply> get(Call c) {
        String vhost = c.param("vhost");
        String name = exchangeName(c.param("name"));
        return done(Reply.ok(Shapes.exchange(find(vhost, name))));
    }

    private Operator.ExchangeView find(String vhost, String name) {
        return operator.exchanges().stream().filter(e -> e.vhost().equals(vhost) && e.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no exchange '" + name + "' in virtual host '" + vhost + "'"));
    }

    CompletableFuture<Reply> put(Call c) {
        c.caller().requireManagement();
        String vhost = c.param("vhost");
        String name = exchangeName(c.param("name"));
        JsonNode body = Bodies.object(c.request().json());
        ExchangeType type;
        try {
            type = ExchangeType.parse(Bodies.text(body, "type", "direct"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ExchangeDeclaration d = new ExchangeDeclaration(name, type, Bodies.bool(body, "durable", true),
                Bodies.bool(body, "auto_delete", false), Bodies.bool(body, "internal", false),
                Bodies.map(body, "arguments"), false);
        boolean existed = operator.exchanges().stream().anyMatch(e -> e.vhost().equals(vhost) && e.name().equals(name));
        return sessions.run(c.caller(), c.request().remote(), vhost, s -> s.admin().declareExchange(d))
                .thenApply(v -> Reply.created(!existed));
    }

    CompletableFuture<Reply> delete(Call c) {
        c.caller().requireManagement();
        String name = exchangeName(c.param("name"));
        boolean ifUnused = c.boolQuery("if-unused");
        return sessions.run(c.caller(), c.request().remote(), c.param("vhost"),
                s -> s.admin().deleteExchange(name, ifUnused)).thenApply(v -> Reply.noContent());
    }

    /** Publishes a test message; answers {@code {"routed": true}} when some queue took it. */
    CompletableFuture<Reply> publish(Call c) {
        c.caller().requireManagement();
        String name = exchangeName(c.param("name"));
        JsonNode body = Bodies.object(c.request().json());
        String key = Bodies.text(body, "routing_key", "");
        String payload = Bodies.text(body, "payload", "");
        String encoding = Bodies.text(body, "payload_encoding", "string");
        byte[] bytes;
        if (encoding.equals("string")) {
            bytes = payload.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equals("base64")) {
            try {
                bytes = Base64.getDecoder().decode(payload);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("payload is not valid base64");
            }
        } else {
            throw ApiException.badRequest("payload_encoding must be string or base64");
        }
        JsonNode props = Bodies.object(body.get("properties"));
        Message.Builder m = Message.builder().body(bytes)
                .durable(Bodies.number(props, "delivery_mode", 1) == 2)
                .timestamp(clock.getAsLong());
        String contentType = Bodies.text(props, "content_type", null);
        if (contentType != null) {
            m.contentType(contentType);
        }
        String messageId = Bodies.text(props, "message_id", null);
        if (messageId != null) {
            m.messageId(messageId);
        }
        String correlationId = Bodies.text(props, "correlation_id", null);
        if (correlationId != null) {
            m.correlationId(correlationId);
        }
        String replyTo = Bodies.text(props, "reply_to", null);
        if (replyTo != null) {
            m.replyTo(replyTo);
        }
        if (props.has("priority")) {
            long p = Bodies.number(props, "priority", Message.DEFAULT_PRIORITY);
            m.priority((int) Math.max(0, Math.min(Message.MAX_PRIORITY, p)));
        }
        Map<String, Object> headers = Bodies.map(props, "headers");
        m.properties(headers);
        Message message = m.build();
        return sessions.run(c.caller(), c.request().remote(), c.param("vhost"),
                        s -> s.send(Route.exchange(name, key), message, null))
                .thenApply(r -> Reply.ok(Map.of("routed", r.queues() > 0)));
    }

    CompletableFuture<Reply> bindings(Call c) {
        String vhost = c.params().get("vhost");
        return done(Reply.ok(Shapes.all(operator.bindings().stream()
                .filter(b -> vhost == null || b.vhost().equals(vhost))
                .filter(b -> c.caller().seesVhost(b.vhost())).toList(), Shapes::binding)));
    }

    /** {@code /api/bindings/{vhost}/e/{exchange}/q/{queue}}: the bindings between the two. */
    CompletableFuture<Reply> bindingsBetween(Call c) {
        String vhost = c.param("vhost");
        String exchange = exchangeName(c.param("exchange"));
        String queue = c.param("queue");
        return done(Reply.ok(Shapes.all(operator.bindings().stream().filter(b -> b.vhost().equals(vhost)
                && b.source().equals(exchange) && b.destination().equals(queue)
                && b.destinationType().equals("queue")).toList(), Shapes::binding)));
    }

    CompletableFuture<Reply> bind(Call c) {
        c.caller().requireManagement();
        JsonNode body = Bodies.object(c.request().json());
        BindingDeclaration d = new BindingDeclaration(exchangeName(c.param("exchange")), BindingTarget.Kind.QUEUE,
                c.param("queue"), Bodies.text(body, "routing_key", ""), Bodies.map(body, "arguments"), null);
        return sessions.run(c.caller(), c.request().remote(), c.param("vhost"), s -> s.admin().bind(d))
                .thenApply(v -> Reply.created(true));
    }

    /** {@code props} is the routing key, {@code ~} for the empty one (RabbitMQ's properties key). */
    CompletableFuture<Reply> unbind(Call c) {
        c.caller().requireManagement();
        String props = c.param("props");
        BindingDeclaration d = BindingDeclaration.queue(exchangeName(c.param("exchange")), c.param("queue"),
                props.equals("~") ? "" : props);
        return sessions.run(c.caller(), c.request().remote(), c.param("vhost"), s -> s.admin().unbind(d))
                .thenApply(v -> Reply.noContent());
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }
}
