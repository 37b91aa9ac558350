package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.state.StateStore;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamMode;
import io.ferrymq.core.stream.StreamSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The delivery streams of every vhost: their definitions (durable module state), their lifecycle (CREATING,
 * ACTIVE, DELETING) and the deliverer that runs each active one. A DirectPut delivery stream keeps the records
 * it accepts in a core stream of its own ({@code firehose:<name>}, one shard) until they are delivered.
 */
final class DeliveryStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStreams.class);
    static final String DESTINATION_ID = "destinationId-000000000001";
    /** How long a DirectPut delivery stream keeps records its destination has not taken (AWS keeps them a day). */
    private static final long BACKLOG_RETENTION_MILLIS = Duration.ofDays(7).toMillis();
    private static final int LIMIT_PER_ACCOUNT = 5000;

    private final Broker broker;
    private final AwsApiSettings settings;
    private final StateStore store;
    private final Checkpoints checkpoints;
    private final Executor executor;
    private final HttpClient http;
    private final Map<String, DeliveryStreamDefinition> definitions = new ConcurrentHashMap<>();
    private final Map<String, Deliverer> deliverers = new ConcurrentHashMap<>();

    DeliveryStreams(Broker broker, AwsApiSettings settings) {
        this.broker = broker;
        this.settings = settings;
        this.store = broker.stateStore("aws.firehose.streams");
        this.checkpoints = new Checkpoints(broker.stateStore("aws.firehose.positions"));
        this.executor = broker.newSerialExecutor();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    static String key(String vhost, String name) {
        return vhost + "\u0000" + name;
    }

    /** Picks up the stored delivery streams: finishes creations and deletions, starts the active ones. */
    void recover() {
        for (byte[] b : store.all().values()) {
            DeliveryStreamDefinition d = DeliveryStreamDefinition.fromBytes(b);
            definitions.put(key(d.vhost(), d.name()), d);
        }
        executor.execute(() -> {
            for (DeliveryStreamDefinition d : List.copyOf(definitions.values())) {
                switch (d.status()) {
                    case "CREATING" -> activate(d);
                    case "DELETING" -> finishDeletion(d);
                    default -> startDeliverer(d);
                }
            }
        });
    }

    DeliveryStreamDefinition get(Session session, String name, String account) {
        DeliveryStreamDefinition d = definitions.get(key(session.vhostName(), name));
        if (d == null) {
            throw FirehoseErrors.notFound(name, account);
        }
        return d;
    }

    Collection<DeliveryStreamDefinition> all(String vhost) {
        return definitions.values().stream().filter(d -> d.vhost().equals(vhost)).toList();
    }

    // ------------------------------------------------------------------ create

    CompletableFuture<JsonNode> create(FirehoseInput in, RequestContext ctx) {
        String name = in.deliveryStreamName();
        Session session = ctx.session();
        ActionPermissions.require(session, "CreateDeliveryStream", Set.of(Permission.CREATE), name);
        String givenType = in.string("DeliveryStreamType");
        String type = givenType == null ? DeliveryStreamDefinition.DIRECT_PUT : givenType;
        if (!type.equals(DeliveryStreamDefinition.DIRECT_PUT) && !type.equals(DeliveryStreamDefinition.KINESIS_SOURCE)) {
            if (type.equals("MSKAsSource") || type.equals("DatabaseAsSource")) {
                throw FirehoseErrors.invalidArgument("DeliveryStreamType " + type + " is not supported by this broker;"
                        + " use DirectPut or KinesisStreamAsSource");
            }
            throw JsonErrors.validation("'" + type + "'", "deliveryStreamType",
                    "must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]");
        }
        Destinations.Chosen chosen = Destinations.choose(in, settings.firehoseBuckets());
        String sourceArn = null;
        String sourceRole = null;
        FirehoseInput source = in.child("KinesisStreamSourceConfiguration");
        if (type.equals(DeliveryStreamDefinition.KINESIS_SOURCE)) {
            if (source == null) {
                throw FirehoseErrors.invalidArgument("KinesisStreamSourceConfiguration is required when"
                        + " DeliveryStreamType is KinesisStreamAsSource");
            }
            sourceArn = source.required("KinesisStreamARN");
            sourceRole = source.string("RoleARN");
            SourceStream s = sourceStream(sourceArn);
            Session reader = ctx.session(s.vhost());
            try {
                broker.streams().describe(reader, s.name());
            } catch (BrokerException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    throw FirehoseErrors.invalidArgument("Kinesis stream " + sourceArn + " does not exist");
                }
                throw e;
            }
            ActionPermissions.require(reader, "CreateDeliveryStream", Set.of(Permission.CONSUME), s.name());
        } else if (source != null) {
            throw FirehoseErrors.invalidArgument("KinesisStreamSourceConfiguration is only for a delivery stream of"
                    + " type KinesisStreamAsSource");
        }
        Map<String, String> tags = in.tags("Tags");
        String account = ctx.caller().accountId();
        String k = key(session.vhostName(), name);
        if (definitions.containsKey(k)) {
            throw FirehoseErrors.inUse("Firehose " + name + " under accountId " + account + " already exists");
        }
        if (all(session.vhostName()).size() >= LIMIT_PER_ACCOUNT) {
            throw FirehoseErrors.limitExceeded("You have already consumed your firehose quota of " + LIMIT_PER_ACCOUNT
                    + " hoses. Firehose names: " + name);
        }
        long now = broker.currentTimeMillis();
        String region = ctx.caller().region() == null ? settings.region() : ctx.caller().region();
        DeliveryStreamDefinition d = new DeliveryStreamDefinition(session.vhostName(), name, account, region, type,
                "CREATING", 1, now, now, chosen.kind(), chosen.config(), sourceArn, sourceRole,
                session.principal().name(), tags);
        if (definitions.putIfAbsent(k, d) != null) {
            throw FirehoseErrors.inUse("Firehose " + name + " under accountId " + account + " already exists");
        }
        return store.put(k, d.toBytes()).thenApplyAsync(v -> {
            executor.execute(() -> activate(d));
            LOG.info("Created Firehose delivery stream {} ({}, {} destination) in vhost {}", name, type, d.kind(),
                    d.vhost());
            return (JsonNode) FirehoseShapes.object().put("DeliveryStreamARN", d.arn());
        }, ctx.executor());
    }

    /** The vhost and name of the Kinesis stream an ARN names. */
    SourceStream sourceStream(String arnText) {
        Arn arn = Arn.parse(arnText);
        if (arn == null || !arn.service().equals("kinesis") || !arn.resource().startsWith("stream/")) {
            throw FirehoseErrors.invalidArgument("KinesisStreamARN " + arnText + " is not a Kinesis stream ARN"
                    + " (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)");
        }
        String vhost = settings.vhostOf(arn.account(), arn.region());
        if (vhost == null) {
            throw FirehoseErrors.invalidArgument("Account " + arn.account() + " of " + arnText
                    + " is not mapped to a virtual host on this broker");
        }
        return new SourceStream(vhost, arn.resource().substring("stream/".length()));
    }

    record SourceStream(String vhost, String name) {
    }

    /** Makes what a new delivery stream reads (its own core stream, or its start in a Kinesis stream), then starts it. */
    private void activate(DeliveryStreamDefinition d) {
        CompletableFuture<Void> ready;
        try {
            ready = d.type().equals(DeliveryStreamDefinition.DIRECT_PUT) ? createBacking(d) : startAtLatest(d);
        } catch (RuntimeException e) {
            ready = CompletableFuture.failedFuture(e);
        }
        ready.thenCompose(v -> {
            DeliveryStreamDefinition active = d.withStatus("ACTIVE");
            String k = key(d.vhost(), d.name());
            if (!definitions.replace(k, d, active)) {
                return CompletableFuture.completedFuture(null);
            }
            return store.put(k, active.toBytes()).thenRunAsync(() -> startDeliverer(active), executor);
        }).whenComplete((v, t) -> {
            if (t != null) {
                LOG.warn("Firehose {} in vhost {} could not be activated: {}", d.name(), d.vhost(), t.toString());
            }
        });
    }

    private CompletableFuture<Void> createBacking(DeliveryStreamDefinition d) {
        Session system = broker.systemSession(d.vhost());
        StreamSpec spec = new StreamSpec(d.backingStream(), 1, StreamMode.PROVISIONED, BACKLOG_RETENTION_MILLIS, 0,
                Map.of());
        return broker.streams().create(system, spec, executor).handle((info, t) -> {
            if (t == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (BrokerException.from(t).code() == ErrorCode.PRECONDITION_FAILED) {
                // Left over by a deletion a crash interrupted, or by recovery of a creation that had made it.
                return broker.streams().delete(system, d.backingStream(), executor)
                        .thenCompose(x -> broker.streams().create(system, spec, executor)).thenApply(x -> (Void) null);
            }
            return CompletableFuture.<Void>failedFuture(t);
        }).thenCompose(f -> f);
    }

    /** A Kinesis source is read from its newest records on, as Firehose starts (LATEST). */
    private CompletableFuture<Void> startAtLatest(DeliveryStreamDefinition d) {
        SourceStream s = sourceStream(d.sourceArn());
        Session system = broker.systemSession(s.vhost());
        StreamInfo info = broker.streams().describe(system, s.name());
        List<CompletableFuture<Void>> saved = new ArrayList<>();
        for (ShardInfo shard : info.shards()) {
            saved.add(checkpoints.put(d.vhost(), d.name(), shard.index(),
                    broker.streams().endOffset(system, s.name(), shard.index())));
        }
        return CompletableFuture.allOf(saved.toArray(CompletableFuture[]::new));
    }

    private void startDeliverer(DeliveryStreamDefinition d) {
        String k = key(d.vhost(), d.name());
        if (definitions.get(k) != d || deliverers.containsKey(k)) {
            return;
        }
        Destination destination;
        String sourceVhost = d.vhost();
        String sourceName = d.backingStream();
        try {
            destination = Destinations.of(d, settings.firehoseBuckets(), http, broker);
            if (d.sourceArn() != null) {
                SourceStream s = sourceStream(d.sourceArn());
                sourceVhost = s.vhost();
                sourceName = s.name();
            }
        } catch (RuntimeException e) {
            LOG.warn("Firehose {} in vhost {} cannot deliver: {}", d.name(), d.vhost(), e.getMessage());
            return;
        }
        Deliverer deliverer = new Deliverer(d.vhost(), d.name(), sourceVhost, sourceName, destination, checkpoints,
                broker, broker.newSerialExecutor());
        deliverers.put(k, deliverer);
        deliverer.start();
    }

    // ------------------------------------------------------------------ delete

    CompletableFuture<JsonNode> delete(FirehoseInput in, RequestContext ctx) {
        String name = in.deliveryStreamName();
        DeliveryStreamDefinition d = get(ctx.session(), name, ctx.caller().accountId());
        ActionPermissions.require(ctx.session(), "DeleteDeliveryStream", Set.of(Permission.DELETE), name);
        if (d.status().equals("DELETING")) {
            return CompletableFuture.completedFuture(FirehoseShapes.object());
        }
        DeliveryStreamDefinition deleting = d.withStatus("DELETING");
        String k = key(d.vhost(), d.name());
        if (!definitions.replace(k, d, deleting)) {
            throw FirehoseErrors.inUse("Firehose " + name + " changed while it was being deleted; try again");
        }
        return store.put(k, deleting.toBytes()).thenApplyAsync(v -> {
            executor.execute(() -> finishDeletion(deleting));
            LOG.info("Deleting Firehose delivery stream {} in vhost {}", name, d.vhost());
            return (JsonNode) FirehoseShapes.object();
        }, ctx.executor());
    }

    private void finishDeletion(DeliveryStreamDefinition d) {
        String k = key(d.vhost(), d.name());
        Deliverer running = deliverers.remove(k);
        CompletableFuture<Void> stopped = running == null ? CompletableFuture.completedFuture(null) : running.stop(false);
        stopped.thenCompose(v -> {
            if (!d.type().equals(DeliveryStreamDefinition.DIRECT_PUT)) {
                return CompletableFuture.completedFuture(null);
            }
            return broker.streams().delete(broker.systemSession(d.vhost()), d.backingStream(), executor)
                    .exceptionally(t -> null);
        }).thenCompose(v -> checkpoints.removeAll(d.vhost(), d.name()))
                .thenCompose(v -> store.remove(k))
                .whenCompleteAsync((v, t) -> {
                    if (t != null) {
                        LOG.warn("Firehose {} in vhost {}: deletion failed: {}", d.name(), d.vhost(), t.toString());
                        return;
                    }
                    definitions.remove(k, d);
                }, executor);
    }

    // ------------------------------------------------------------------ update

    CompletableFuture<JsonNode> updateDestination(FirehoseInput in, RequestContext ctx) {
        String name = in.deliveryStreamName();
        DeliveryStreamDefinition d = get(ctx.session(), name, ctx.caller().accountId());
        ActionPermissions.require(ctx.session(), "UpdateDestination", Set.of(Permission.MANAGE), name);
        String version = in.required("CurrentDeliveryStreamVersionId");
        String destinationId = in.required("DestinationId");
        if (!destinationId.equals(DESTINATION_ID)) {
            throw FirehoseErrors.invalidArgument("Destination " + destinationId + " not found; this delivery stream's"
                    + " destination is " + DESTINATION_ID);
        }
        if (!d.status().equals("ACTIVE")) {
            throw FirehoseErrors.inUse("Firehose " + name + " is " + d.status() + ", not ACTIVE");
        }
        if (!version.equals(Integer.toString(d.version()))) {
            throw FirehoseErrors.concurrentModification("Cannot update firehose: " + name + " since the current"
                    + " version id: " + d.version() + " and the specified version id: " + version + " do not match");
        }
        ObjectNode merged = Destinations.update(in, d, settings.firehoseBuckets());
        DeliveryStreamDefinition updated = d.withDestination(merged, broker.currentTimeMillis());
        String k = key(d.vhost(), d.name());
        if (!definitions.replace(k, d, updated)) {
            throw FirehoseErrors.concurrentModification("Firehose " + name + " changed meanwhile; describe it again");
        }
        Deliverer running = deliverers.remove(k);
        CompletableFuture<Void> flushed = running == null ? CompletableFuture.completedFuture(null) : running.stop(true);
        return flushed.thenCompose(v -> store.put(k, updated.toBytes())).thenApplyAsync(v -> {
            executor.execute(() -> startDeliverer(updated));
            return (JsonNode) FirehoseShapes.object();
        }, ctx.executor());
    }

    // ------------------------------------------------------------------ tags

    CompletableFuture<JsonNode> retag(String name, Map<String, String> put, Collection<String> remove,
                                      RequestContext ctx, String action) {
        DeliveryStreamDefinition d = get(ctx.session(), name, ctx.caller().accountId());
        ActionPermissions.require(ctx.session(), action, Set.of(Permission.MANAGE), name);
        Map<String, String> tags = new java.util.LinkedHashMap<>(d.tags());
        remove.forEach(tags::remove);
        tags.putAll(put);
        if (tags.size() > 50) {
            throw FirehoseErrors.limitExceeded("A delivery stream has at most 50 tags; this change would make "
                    + tags.size());
        }
        DeliveryStreamDefinition updated = d.withTags(tags);
        String k = key(d.vhost(), d.name());
        if (!definitions.replace(k, d, updated)) {
            throw FirehoseErrors.concurrentModification("Firehose " + name + " changed meanwhile; try again");
        }
        return store.put(k, updated.toBytes()).thenApplyAsync(v -> (JsonNode) FirehoseShapes.object(),
                ctx.executor());
    }

    // ------------------------------------------------------------------ shutdown

    /** Stops every deliverer, delivering what each holds in its buffer first (a clean shutdown loses nothing). */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        deliverers.values().forEach(dl -> stopping.add(dl.stop(true)));
        deliverers.clear();
        try {
            CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Firehose: buffered records were not all delivered before shutdown ({}); they stay in their"
                    + " source and are delivered after the restart", e.toString());
        }
    }
}
