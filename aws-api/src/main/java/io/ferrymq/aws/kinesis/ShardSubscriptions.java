package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.ferrymq.aws.wire.EventStreamMessages;
import io.ferrymq.aws.wire.EventStreamSink;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Streams;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.stream.ReadResult;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.stream.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * SubscribeToShard: an event stream of one shard for one enhanced fan-out consumer. The first event is the
 * {@code initial-response}; then a {@code SubscribeToShardEvent} whenever records arrive (and at least every
 * five seconds), each with the records, the ContinuationSequenceNumber to resume after and MillisBehindLatest.
 * A subscription lasts five minutes; a consumer subscribing to the same shard again within five seconds of a
 * subscription gets ResourceInUseException, later the new subscription replaces the old one. The subscription
 * waits for the core's "records appended" notification of its shard (no polling) and reads on its connection's
 * event loop when it comes.
 */
final class ShardSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(ShardSubscriptions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper CBOR = new CBORMapper();

    static final long LIFETIME_MILLIS = 300_000;
    static final long RESUBSCRIBE_MILLIS = 5_000;
    static final long HEARTBEAT_MILLIS = 5_000;
    static final int MAX_EVENT_RECORDS = 10_000;
    static final long MAX_EVENT_BYTES = 2L * 1024 * 1024;

    private final Streams streams;
    private final KinesisStreamActions streamActions;
    private final KinesisRecordActions recordActions;
    private final StreamConsumers consumers;
    private final LongSupplier clock;
    /** The latest subscription of each consumer and shard. */
    private final Map<String, Subscription> active = new ConcurrentHashMap<>();

    ShardSubscriptions(Streams streams, KinesisStreamActions streamActions, KinesisRecordActions recordActions,
                       StreamConsumers consumers, LongSupplier clock) {
        this.streams = streams;
        this.streamActions = streamActions;
        this.recordActions = recordActions;
        this.consumers = consumers;
        this.clock = clock;
    }

    CompletableFuture<Void> subscribe(JsonNode json, RequestContext ctx, EventStreamSink sink) {
        KinesisInput in = new KinesisInput(json, ctx);
        String consumerArn = in.required("ConsumerARN", "consumerARN");
        String shardId = in.required("ShardId", "shardId");
        if (!in.has("StartingPosition")) {
            throw JsonErrors.missing("startingPosition");
        }
        KinesisInput position = in.child(json.get("StartingPosition"));
        String type = position.required("Type", "startingPosition.type");
        StreamConsumers.Consumer consumer = consumers.find(in, ctx);
        long now = clock.getAsLong();
        if (!consumer.status(now).equals("ACTIVE")) {
            throw KinesisErrors.resourceInUse("Consumer " + consumerArn + " is not ACTIVE: it is "
                    + consumer.status(now) + ".");
        }
        StreamInfo info = streamActions.info(ctx, consumer.stream());
        int shard = ShardIds.parse(shardId);
        ShardInfo sh = shard < 0 ? null : info.shard(shard);
        if (sh == null) {
            throw KinesisErrors.resourceNotFound("Shard " + shardId + " in stream " + info.name() + " under account "
                    + ctx.caller().accountId() + " does not exist");
        }
        long offset = recordActions.startingOffset(position, "SequenceNumber", ctx, info.name(), shard, shardId, type);
        if (!(ctx.executor() instanceof ScheduledExecutorService loop)) {
            throw new IllegalStateException("SubscribeToShard needs the connection's event loop");
        }
        String key = consumerArn + "\n" + shard;
        Subscription previous = active.get(key);
        if (previous != null && previous.live() && now - previous.started < RESUBSCRIBE_MILLIS) {
            throw KinesisErrors.resourceInUse("Another active subscription exists for consumer " + consumerArn
                    + " on shard " + shardId + " (subscribed less than 5 seconds ago).");
        }
        Subscription s = new Subscription(key, ctx.session(), info.name(), shard, offset, sink, loop, now);
        active.put(key, s);
        if (previous != null) {
            previous.replaced();
        }
        s.start();
        return CompletableFuture.completedFuture(null);
    }

    private byte[] payload(EventStreamSink sink, JsonNode body) {
        try {
            return (sink.cbor() ? CBOR : JSON).writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One subscription: runs on its connection's event loop only. */
    private final class Subscription {
        private final String key;
        private final Session session;
        private final String stream;
        private final int shard;
        private final EventStreamSink sink;
        private final ScheduledExecutorService loop;
        private final long started;
        private long position;
        private long lastEvent;
        private boolean reading;
        private boolean finished;
        /** The outstanding wait for records, or null. */
        private CompletableFuture<Void> waiting;
        private ScheduledFuture<?> heartbeat;
        private ScheduledFuture<?> lifetime;

        Subscription(String key, Session session, String stream, int shard, long position, EventStreamSink sink,
                     ScheduledExecutorService loop, long started) {
            this.key = key;
            this.session = session;
            this.stream = stream;
            this.shard = shard;
            this.position = position;
            this.sink = sink;
            this.loop = loop;
            this.started = started;
        }

        boolean live() {
            return !finished && sink.open();
        }

        void start() {
            sink.onClose(this::stop);
            sink.send(EventStreamMessages.event("initial-response", sink.payloadContentType(),
                    payload(sink, KinesisShapes.object())));
            lastEvent = clock.getAsLong();
            heartbeat = loop.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS,
                    TimeUnit.MILLISECONDS);
            lifetime = loop.schedule(this::finish, LIFETIME_MILLIS, TimeUnit.MILLISECONDS);
            await();
        }

        /** A later subscription of the same consumer and shard took over. */
        void replaced() {
            loop.execute(() -> fail("ResourceInUseException", "Another subscription of this consumer to shard "
                    + ShardIds.of(shard) + " replaced this one."));
        }

        /**
         * Waits, without polling, until the shard has a record at the position or can get no more (a reshard
         * closed it, the stream went); then reads. At most one wait is outstanding: a read that finds nothing
         * new comes back here, a wake-up during a read is
         * answered by the wait the read sets up when it is done (it completes at once if records came).
         */
        private void await() {
            if (finished || waiting != null) {
                return;
            }
            if (!sink.open()) {
                stop();
                return;
            }
            CompletableFuture<Void> w = streams.awaitRecords(session, stream, shard, position, loop);
            waiting = w;
            w.whenComplete((v, t) -> {
                if (waiting == w) {
                    waiting = null;
                }
                if (finished) {
                    return;
                }
                if (t != null) {
                    fail("ResourceNotFoundException", "Stream " + stream + " or its shard " + ShardIds.of(shard)
                            + " no longer exists: " + BrokerException.from(t).getMessage());
                } else if (!reading) {
                    read();
                }
            });
        }

        /** An event at least every few seconds, records or not, as Kinesis sends them. */
        private void heartbeat() {
            if (!finished && !reading && clock.getAsLong() - lastEvent >= HEARTBEAT_MILLIS) {
                read();
            }
        }

        private void read() {
            if (finished || reading) {
                return;
            }
            reading = true;
            streams.read(session, stream, shard, position, MAX_EVENT_RECORDS, MAX_EVENT_BYTES, loop)
                    .whenComplete((r, t) -> {
                        if (t != null) {
                            reading = false;
                            BrokerException e = BrokerException.from(t);
                            fail("ResourceNotFoundException".equals(KinesisErrors.from(e).code())
                                    ? "ResourceNotFoundException" : "InternalFailure", e.getMessage());
                            return;
                        }
                        send(r);
                    });
        }

        private void send(ReadResult r) {
            ObjectNode event = KinesisShapes.object();
            ArrayNode records = event.putArray("Records");
            for (StreamRecord rec : r.records()) {
                ObjectNode o = records.addObject()
                        .put("SequenceNumber", KinesisSequenceNumbers.of(shard, rec.offset()));
                o.putPOJO("ApproximateArrivalTimestamp", new WireTimestamp(rec.arrivalMillis()));
                o.put("Data", rec.data()).put("PartitionKey", rec.partitionKey());
            }
            position = r.nextOffset();
            // Resuming AFTER_SEQUENCE_NUMBER this continues at the next record (offset 0 has no predecessor:
            // AT the shard's first sequence number then).
            event.put("ContinuationSequenceNumber", KinesisSequenceNumbers.of(shard, Math.max(position - 1, 0)));
            event.put("MillisBehindLatest", r.millisBehind());
            if (r.shardEnded()) {
                ArrayNode children = event.putArray("ChildShards");
                try {
                    for (ShardInfo child : streams.describe(session, stream).shards()) {
                        if (child.parent() == shard || child.adjacentParent() == shard) {
                            children.add(KinesisShapes.childShard(child));
                        }
                    }
                } catch (BrokerException e) {
                    LOG.debug("Stream {} went while its shard {} ended: {}", stream, shard, e.getMessage());
                }
            }
            lastEvent = clock.getAsLong();
            sink.send(EventStreamMessages.event("SubscribeToShardEvent", sink.payloadContentType(),
                    payload(sink, event))).whenComplete((v, t) -> {
                        reading = false;
                        if (t != null) {
                            stop();
                        } else if (r.shardEnded()) {
                            finish();
                        } else {
                            await();
                        }
                    });
        }

        private void fail(String type, String message) {
            if (finished) {
                return;
            }
            if (sink.open()) {
                sink.send(EventStreamMessages.exception(type, sink.payloadContentType(),
                        payload(sink, KinesisShapes.object().put("message", message))));
            }
            finish();
        }

        /** Ends the response: the subscription's lifetime is over, its shard ended, or it failed. */
        private void finish() {
            if (!finished) {
                stop();
                sink.end();
            }
        }

        private void stop() {
            finished = true;
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            CompletableFuture<Void> w = waiting;
            if (w != null) {
                // Frees the shard's list of waiting readers from this one.
                w.cancel(false);
            }
            if (lifetime != null) {
                lifetime.cancel(false);
            }
            active.remove(key, this);
        }
    }
}
