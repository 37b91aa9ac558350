package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.core.api.Operator;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /api/queues}: list, declare, delete, purge, peek ({@code get}) and move messages between queues. */
final class QueueResource {

    /** How long messages taken by a peek or a move stay lent out if the request dies half way. */
    private static final long LEASE_MILLIS = 60_000;
    private static final int MOVE_BATCH = 100;
    /** The dead-letter annotations a redrive takes off, so that the message reaches its queue as it left it. */
    private static final List<String> DEATH_ANNOTATIONS = List.of("x-death-reason", "x-death-queue",
            "x-death-exchange", "x-death-routing-key", "x-death-time", "x-death-detail", "x-delivery-count");

    private final Operator operator;
    private final CallerSessions sessions;

    QueueResource(Operator operator, CallerSessions sessions) {
        this.operator = operator;
        this.sessions = sessions;
    }

    CompletableFuture<Reply> list(Call c) {
        String vhost = c.params().get("vhost");
        if (vhost != null) {
            requireVhost(vhost);
        }
        List<Operator.QueueView> queues = operator.queues().stream()
                .filter(q -> vhost == null || q.vhost().equals(vhost))
                .filter(q -> c.caller().seesVhost(q.vhost())).toList();
        return done(Reply.ok(Shapes.all(queues, Shapes::queue)));
    }

    CompletableFuture<Reply> get(Call c) {
        return done(Reply.ok(Shapes.queue(operator.queue(c.param("vhost"), c.param("name")))));
    }

    CompletableFuture<Reply> bindings(Call c) {
        String vhost = c.param("vhost");
        String name = c.param("name");
        operator.queue(vhost, name);
        return done(Reply.ok(Shapes.all(operator.bindings().stream().filter(b -> b.vhost().equals(vhost)
                && b.destinationType().equals("queue") && b.destination().equals(name)).toList(), Shapes::binding)));
    }

    CompletableFuture<Reply> put(Call c) {
        c.caller().requireManagement();
        String vhost = c.param("vhost");
        String name = c.param("name");
        JsonNode body = Bodies.object(c.request().json());
        QueueDeclaration d = new QueueDeclaration(name, Bodies.bool(body, "durable", true), false,
                Bodies.bool(body, "auto_delete", false), Bodies.map(body, "arguments"), false);
        boolean existed = exists(vhost, name);
        return sessions.run(c.caller(), c.request().remote(), vhost, s -> s.admin().declareQueue(d))
                .thenApply(info -> Reply.created(!existed));
    }

    CompletableFuture<Reply> delete(Call c) {
        c.caller().requireManagement();
        boolean ifEmpty = c.boolQuery("if-empty");
        boolean ifUnused = c.boolQuery("if-unused");
        return sessions.run(c.caller(), c.request().remote(), c.param("vhost"),
                s -> s.admin().deleteQueue(c.param("name"), ifUnused, ifEmpty)).thenApply(n -> Reply.noContent());
    }

    CompletableFuture<Reply> purge(Call c) {
        c.caller().requireManagement();
        return sessions.run(c.caller(), c.request().remote(), c.param("vhost"),
                s -> s.admin().purgeQueue(c.param("name"))).thenApply(n -> Reply.noContent());
    }

    /**
     * Takes up to {@code count} messages and, by {@code ackmode}, puts them back ({@code ack_requeue_true},
     * {@code reject_requeue_true}: a peek that does not count as a delivery attempt), removes them
     * ({@code ack_requeue_false}) or dead-letters them ({@code reject_requeue_false}).
     */
    CompletableFuture<Reply> getMessages(Call c) {
        c.caller().requireManagement();
        String vhost = c.param("vhost");
        String name = c.param("name");
        JsonNode body = Bodies.object(c.request().json());
        long count = Bodies.number(body, "count", 1);
        if (count < 1 || count > 10_000) {
            throw ApiException.badRequest("count must be between 1 and 10000");
        }
        String ackmode = Bodies.text(body, "ackmode", "ack_requeue_true");
        Outcome outcome = switch (ackmode) {
            case "ack_requeue_true", "reject_requeue_true" -> Outcome.RELEASE;
            case "ack_requeue_false" -> Outcome.ACCEPT;
            case "reject_requeue_false" -> Outcome.reject("rejected through the management API");
            default -> throw ApiException.badRequest("ackmode must be ack_requeue_true, ack_requeue_false,"
                    + " reject_requeue_true or reject_requeue_false, not '" + ackmode + "'");
        };
        String encoding = Bodies.text(body, "encoding", "auto");
        if (!encoding.equals("auto") && !encoding.equals("base64")) {
            throw ApiException.badRequest("encoding must be auto or base64");
        }
        int truncate = (int) Bodies.number(body, "truncate", -1);
        return sessions.run(c.caller(), c.request().remote(), vhost, s ->
                s.pull(name, new PullOptions((int) count, 0, LEASE_MILLIS, false)).thenCompose(deliveries -> {
                    List<CompletableFuture<Void>> settled = new ArrayList<>();
                    for (Delivery d : deliveries) {
                        settled.add(s.settle(d, outcome, null));
                    }
                    return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)).thenApply(v -> {
                        long remaining = operator.queue(vhost, name).stats().ready();
                        List<Map<String, Object>> out = new ArrayList<>();
                        for (Delivery d : deliveries) {
                            out.add(Shapes.message(d.message(), d.redelivered(), remaining, encoding, truncate));
                        }
                        return Reply.ok(out);
                    });
                }));
    }

    /**
     * Moves messages from this queue to {@code destination}, or with no destination each back to the queue it
     * was dead-lettered from (a DLQ redrive, whatever protocol dead-lettered it). {@code count} limits how many;
     * by default all the queue holds when the move starts. Answers {@code {"moved": n, "skipped": m}}: skipped
     * are messages with no source to go back to, which stay.
     */
    CompletableFuture<Reply> move(Call c) {
        c.caller().requireManagement();
        String vhost = c.param("vhost");
        String source = c.param("name");
        JsonNode body = Bodies.object(c.request().json());
        String destination = Bodies.text(body, "destination", null);
        if (source.equals(destination)) {
            throw ApiException.badRequest("the destination is the queue itself");
        }
        if (destination != null && !exists(vhost, destination)) {
            throw ApiException.notFound("no queue '" + destination + "' in virtual host '" + vhost + "'");
        }
        long held = operator.queue(vhost, source).stats().total();
        long limit = Bodies.number(body, "count", held);
        if (limit < 0) {
            throw ApiException.badRequest("count must not be negative");
        }
        long[] tally = new long[2];
        return sessions.run(c.caller(), c.request().remote(), vhost,
                        s -> moveBatch(s, source, destination, Math.min(limit, held), tally))
                .thenApply(v -> Reply.ok(Map.of("moved", tally[0], "skipped", tally[1])));
    }

    private CompletableFuture<Void> moveBatch(Session s, String source, String destination, long left, long[] tally) {
        if (left <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        int n = (int) Math.min(MOVE_BATCH, left);
        return s.pull(source, new PullOptions(n, 0, LEASE_MILLIS, false)).thenCompose(deliveries -> {
            if (deliveries.isEmpty()) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            List<CompletableFuture<Void>> steps = new ArrayList<>();
            for (Delivery d : deliveries) {
                Message m = d.message();
                Object origin = m.property("x-death-queue");
                String target = destination != null ? destination : origin instanceof String o ? o : null;
                if (target == null || target.equals(source)) {
                    tally[1]++;
                    steps.add(s.settle(d, Outcome.RELEASE, null));
                    continue;
                }
                Message.Builder copy = m.toBuilder();
                if (destination == null) {
                    DEATH_ANNOTATIONS.forEach(copy::removeProperty);
                }
                steps.add(s.send(Route.queue(target), copy.build(), null)
                        .thenCompose(r -> {
                            tally[0]++;
                            return s.settle(d, Outcome.ACCEPT, null);
                        }));
            }
            return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> moveBatch(s, source, destination, left - deliveries.size(), tally));
        });
    }

    private boolean exists(String vhost, String name) {
        try {
            operator.queue(vhost, name);
            return true;
        } catch (BrokerException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                requireVhost(vhost);
                return false;
            }
            throw e;
        }
    }

    private void requireVhost(String vhost) {
        if (!operator.vhosts().contains(vhost)) {
            throw ApiException.notFound("no virtual host '" + vhost + "'");
        }
    }

    private static CompletableFuture<Reply> done(Reply r) {
        return CompletableFuture.completedFuture(r);
    }
}
