package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.internal.SystemSessions;
import io.ferrymq.aws.wire.Inputs;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Message move tasks (DLQ redrive): StartMessageMoveTask moves a dead-letter queue's messages back to
 * where they came from (or to a given queue), at most so many per second, until the queue is empty or
 * the task is cancelled. Tasks are kept in the state store {@code aws.sqs.move-tasks}; running ones
 * resume after a restart.
 */
final class MoveTasks {

    private static final Logger LOG = LoggerFactory.getLogger(MoveTasks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NAMESPACE = "aws.sqs.move-tasks";
    private static final int BATCH = 10;

    private final Broker broker;
    private final SqsQueues queues;
    private final SqsQueueActions queueActions;
    private final SystemSessions system;
    private final StateStore store;
    private final Map<String, Task> tasks = new ConcurrentHashMap<>();

    /** A task's state; changes are made on the system executor. */
    private static final class Task {
        String id;
        String vhost;
        String user;
        String sourceArn;
        String destinationArn;
        Integer rate;
        String status;
        long started;
        long toMove;
        long moved;
        String failureReason;
        volatile boolean cancel;

        ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode().put("id", id).put("vhost", vhost).put("user", user)
                    .put("sourceArn", sourceArn).put("status", status).put("started", started).put("toMove", toMove)
                    .put("moved", moved);
            if (destinationArn != null) {
                o.put("destinationArn", destinationArn);
            }
            if (rate != null) {
                o.put("rate", rate);
            }
            if (failureReason != null) {
                o.put("failureReason", failureReason);
            }
            return o;
        }

        static Task fromJson(JsonNode n) {
            Task t = new Task();
            t.id = n.path("id").asText();
            t.vhost = n.path("vhost").asText();
            t.user = n.path("user").asText();
            t.sourceArn = n.path("sourceArn").asText();
            t.destinationArn = n.hasNonNull("destinationArn") ? n.get("destinationArn").asText() : null;
            t.rate = n.hasNonNull("rate") ? n.get("rate").asInt() : null;
            t.status = n.path("status").asText();
            t.started = n.path("started").asLong();
            t.toMove = n.path("toMove").asLong();
            t.moved = n.path("moved").asLong();
            t.failureReason = n.hasNonNull("failureReason") ? n.get("failureReason").asText() : null;
            return t;
        }

        String handle() {
            return Base64.getEncoder().encodeToString(JSON.createObjectNode().put("taskId", id)
                    .put("sourceArn", sourceArn).toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    MoveTasks(Broker broker, SqsQueues queues, SqsQueueActions queueActions, SystemSessions system) {
        this.broker = broker;
        this.queues = queues;
        this.queueActions = queueActions;
        this.system = system;
        this.store = broker.stateStore(NAMESPACE);
        for (Map.Entry<String, byte[]> e : store.all().entrySet()) {
            try {
                Task t = Task.fromJson(JSON.readTree(e.getValue()));
                tasks.put(t.id, t);
            } catch (java.io.IOException | RuntimeException ex) {
                LOG.warn("Ignoring unreadable message move task '{}': {}", e.getKey(), ex.toString());
            }
        }
    }

    /** Resumes the tasks that were running when the broker stopped. */
    void resume() {
        for (Task t : tasks.values()) {
            if (t.status.equals("RUNNING") || t.status.equals("CANCELLING")) {
                if (t.status.equals("CANCELLING")) {
                    t.cancel = true;
                }
                LOG.info("Resuming message move task {} from {}", t.id, t.sourceArn);
                system.executor().execute(() -> step(t));
            }
        }
    }

    CompletableFuture<JsonNode> start(JsonNode in, RequestContext ctx) {
        String sourceArn = sourceArn(in);
        SqsQueues.Target source = queues.byArn(ctx, sourceArn);
        if (source == null) {
            throw SqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
        }
        if (queueActions.sources(sourceArn, ctx).isEmpty()) {
            throw SqsErrors.invalidParameterValue("Source queue must be configured as a Dead Letter Queue.");
        }
        String destinationArn = Inputs.string(in, "DestinationArn");
        if (destinationArn != null) {
            if (Arn.parse(destinationArn) == null) {
                throw SqsErrors.invalidParameterValue("You must use this format to specify the DestinationArn:"
                        + " arn:<partition>:<service>:<region>:<account-id>:<resource-id>");
            }
            if (queues.byArn(ctx, destinationArn) == null) {
                throw SqsErrors.resourceNotFound("The resource that you specified for the DestinationArn parameter"
                        + " doesn't exist.");
            }
        }
        Integer rate = Inputs.integer(in, "MaxNumberOfMessagesPerSecond");
        if (rate != null && (rate < 1 || rate > 500)) {
            throw SqsErrors.invalidValue(rate, "MaxNumberOfMessagesPerSecond", "Must be between 1 and 500.");
        }
        // The count to move is the source's backlog when the task starts (SQS's ApproximateNumberOfMessagesToMove).
        return ctx.session(source.vhost()).admin().queueStats(source.name())
                .thenCompose(stats -> register(ctx, source, sourceArn, destinationArn, rate,
                        stats.ready() + stats.paged() + stats.scheduled()));
    }

    private CompletableFuture<JsonNode> register(RequestContext ctx, SqsQueues.Target source, String sourceArn,
                                                 String destinationArn, Integer rate, long toMove) {
        synchronized (this) {
            for (Task t : tasks.values()) {
                if (t.sourceArn.equals(sourceArn) && (t.status.equals("RUNNING") || t.status.equals("CANCELLING"))) {
                    throw SqsErrors.invalidParameterValue("There is already a task running. Only one active task is"
                            + " allowed for a source queue arn at a given time.");
                }
            }
            Task t = new Task();
            t.id = UUID.randomUUID().toString();
            t.vhost = source.vhost();
            t.user = ctx.caller().principal().name();
            t.sourceArn = sourceArn;
            t.destinationArn = destinationArn;
            t.rate = rate;
            t.status = "RUNNING";
            t.started = System.currentTimeMillis();
            t.toMove = toMove;
            tasks.put(t.id, t);
            return save(t).thenApply(v -> {
                system.executor().execute(() -> step(t));
                return (JsonNode) JsonNodeFactory.instance.objectNode().put("TaskHandle", t.handle());
            });
        }
    }

    CompletableFuture<JsonNode> cancel(JsonNode in, RequestContext ctx) {
        String handle = Inputs.string(in, "TaskHandle");
        if (handle == null) {
            throw SqsErrors.missing("TaskHandle");
        }
        String id;
        try {
            id = JSON.readTree(Base64.getDecoder().decode(handle)).path("taskId").asText();
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw SqsErrors.invalidParameterValue("Value for parameter TaskHandle is invalid.");
        }
        Task t = tasks.get(id);
        if (t == null) {
            throw SqsErrors.resourceNotFound("Task does not exist.");
        }
        if (!t.status.equals("RUNNING")) {
            throw SqsErrors.invalidParameterValue("Only active tasks can be cancelled.");
        }
        t.cancel = true;
        t.status = "CANCELLING";
        return save(t).thenApply(v -> (JsonNode) JsonNodeFactory.instance.objectNode()
                .put("ApproximateNumberOfMessagesMoved", t.moved));
    }

    /** The source queue ARN a task handle names, or null when it is not a task handle. */
    static String sourceOf(String handle) {
        try {
            JsonNode n = JSON.readTree(Base64.getDecoder().decode(handle));
            return n == null ? null : n.path("sourceArn").asText(null);
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    private static String sourceArn(JsonNode in) {
        String sourceArn = Inputs.string(in, "SourceArn");
        if (sourceArn == null) {
            throw SqsErrors.missing("SourceArn");
        }
        if (Arn.parse(sourceArn) == null) {
            throw SqsErrors.invalidParameterValue("You must use this format to specify the SourceArn:"
                    + " arn:<partition>:<service>:<region>:<account-id>:<resource-id>");
        }
        return sourceArn;
    }

    CompletableFuture<JsonNode> list(JsonNode in, RequestContext ctx) {
        String sourceArn = sourceArn(in);
        if (queues.byArn(ctx, sourceArn) == null) {
            throw SqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
        }
        Integer max = Inputs.integer(in, "MaxResults");
        if (max != null && (max < 1 || max > 10)) {
            throw SqsErrors.invalidValue(max, "MaxResults", "Must be between 1 and 10, if provided.");
        }
        List<Task> matching = new ArrayList<>();
        for (Task t : tasks.values()) {
            if (t.sourceArn.equals(sourceArn)) {
                matching.add(t);
            }
        }
        matching.sort((a, b) -> Long.compare(b.started, a.started));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode results = out.putArray("Results");
        for (Task t : matching.subList(0, Math.min(max == null ? 1 : max, matching.size()))) {
            ObjectNode e = results.addObject();
            if (t.status.equals("RUNNING")) {
                e.put("TaskHandle", t.handle());
            }
            e.put("Status", t.status).put("SourceArn", t.sourceArn);
            if (t.destinationArn != null) {
                e.put("DestinationArn", t.destinationArn);
            }
            if (t.rate != null) {
                e.put("MaxNumberOfMessagesPerSecond", t.rate);
            }
            e.put("ApproximateNumberOfMessagesMoved", t.moved).put("ApproximateNumberOfMessagesToMove", t.toMove);
            if (t.failureReason != null) {
                e.put("FailureReason", t.failureReason);
            }
            e.put("StartedTimestamp", t.started);
        }
        return CompletableFuture.completedFuture(out);
    }

    private CompletableFuture<Void> save(Task t) {
        return store.put(t.id, t.toJson().toString().getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ running

    private void step(Task t) {
        if (t.cancel) {
            finish(t, "CANCELLED", null);
            return;
        }
        SqsQueues.Target source = queues.byArn(vhost -> system.session(vhost, t.user), t.sourceArn);
        if (source == null) {
            finish(t, "FAILED", "AWS.SimpleQueueService.NonExistentQueue");
            return;
        }
        Session session;
        try {
            session = system.session(t.vhost, t.user);
        } catch (RuntimeException e) {
            finish(t, "FAILED", "AccessDenied");
            return;
        }
        int batch = t.rate == null ? BATCH : Math.min(BATCH, t.rate);
        session.pull(source.name(), new PullOptions(batch, 0, 60_000, false)).whenComplete((deliveries, err) -> {
            if (err != null) {
                finish(t, "FAILED", "AWS.SimpleQueueService.NonExistentQueue");
                return;
            }
            if (deliveries.isEmpty()) {
                finish(t, "COMPLETED", null);
                return;
            }
            List<CompletableFuture<Void>> moves = new ArrayList<>();
            for (Delivery d : deliveries) {
                moves.add(move(t, session, source, d));
            }
            CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).whenComplete((v, e) ->
                    system.executor().execute(() -> {
                        if (e != null) {
                            finish(t, "FAILED", "AWS.SimpleQueueService.NonExistentQueue");
                            return;
                        }
                        save(t);
                        long pause = t.rate == null ? 0 : deliveries.size() * 1000L / t.rate;
                        if (pause == 0) {
                            step(t);
                        } else {
                            broker.timers().schedule(() -> system.executor().execute(() -> step(t)), pause);
                        }
                    }));
        });
    }

    private CompletableFuture<Void> move(Task t, Session session, SqsQueues.Target source, Delivery d) {
        Message m = d.message();
        String destArn = t.destinationArn != null ? t.destinationArn : (String) m.property(SqsMessages.DLQ_SOURCE);
        SqsQueues.Target dest = destArn == null ? null : queues.byArn(vhost -> system.session(vhost, t.user), destArn);
        if (dest == null) {
            session.changeLease(source.name(), d.deliveryId(), 0);
            return CompletableFuture.failedFuture(new IllegalStateException("no destination for message "
                    + m.messageId()));
        }
        Message copy = SqsMessages.deadLetterCopy(m.toBuilder().removeProperty(SqsMessages.DLQ_SOURCE).build(), null,
                dest.meta(), broker.currentTimeMillis());
        Session destSession = system.session(dest.vhost(), t.user);
        return destSession.send(Route.queue(dest.name()), copy, null)
                .thenCompose(r -> session.settle(source.name(), d.deliveryId(), Outcome.ACCEPT))
                .thenRun(() -> t.moved++);
    }

    private void finish(Task t, String status, String reason) {
        t.status = status;
        t.failureReason = reason;
        LOG.info("Message move task {} from {}: {}{} after moving {} message(s)", t.id, t.sourceArn, status,
                reason == null ? "" : " (" + reason + ")", t.moved);
        save(t);
    }
}
