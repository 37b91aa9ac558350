package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Streams;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.stream.StreamInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Enhanced fan-out consumers: Register/Deregister/Describe/ListStreamConsumers. A consumer is CREATING for a
 * moment after registration and DELETING for a moment after deregistration, as on AWS, where clients wait for
 * ACTIVE before they subscribe. Registered consumers are kept in the stream's durable definition, among its tags
 * under the reserved {@code aws:} prefix (as the encryption setting is), so they survive a restart, are
 * replicated to an HA standby with the definition and go away with their stream; they hold no records (a
 * subscription reads the shard log).
 */
final class StreamConsumers {

    /** How long a consumer is CREATING or DELETING (broker clock). */
    static final long TRANSITION_MILLIS = 500;
    static final int MAX_CONSUMERS = 20;
    /** The tag of a registered consumer: its name follows; the value is its creation time and ARN. */
    static final String TAG_PREFIX = StreamEncryption.RESERVED_PREFIX + "kinesis:consumer:";
    private static final Set<Permission> MANAGE = Set.of(Permission.MANAGE);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

    /** A registered consumer; {@code deregistered} is 0 while it is registered. */
    record Consumer(String vhost, String stream, long streamCreated, String name, String arn, long created,
                    long deregistered) {

        String status(long now) {
            if (deregistered > 0) {
                return "DELETING";
            }
            return now - created < TRANSITION_MILLIS ? "CREATING" : "ACTIVE";
        }

        boolean gone(long now) {
            return deregistered > 0 && now - deregistered >= TRANSITION_MILLIS;
        }
    }

    private final Streams streams;
    private final KinesisStreamActions streamActions;
    private final LongSupplier clock;
    /** Deregistered consumers while they are DELETING (in memory only: they are gone after a restart), by ARN. */
    private final Map<String, Consumer> deleting = new ConcurrentHashMap<>();
    /** Registrations being stored (vhost, stream, name): a second one of the same name is refused meanwhile. */
    private final Set<String> registering = ConcurrentHashMap.newKeySet();

    StreamConsumers(Streams streams, KinesisStreamActions streamActions, LongSupplier clock) {
        this.streams = streams;
        this.streamActions = streamActions;
        this.clock = clock;
    }

    /** The consumers of a stream now (DescribeStreamSummary's ConsumerCount). */
    int count(StreamInfo info) {
        return of(info.vhost(), info, clock.getAsLong()).size();
    }

    /** The consumers registered in a stream's definition. */
    private static List<Consumer> registered(StreamInfo info) {
        List<Consumer> out = new ArrayList<>();
        for (Map.Entry<String, String> t : info.tags().entrySet()) {
            if (!t.getKey().startsWith(TAG_PREFIX)) {
                continue;
            }
            String v = t.getValue();
            int space = v.indexOf(' ');
            if (space < 0) {
                continue;
            }
            out.add(new Consumer(info.vhost(), info.name(), info.createdMillis(), t.getKey().substring(TAG_PREFIX.length()),
                    v.substring(space + 1), Long.parseLong(v.substring(0, space)), 0));
        }
        return out;
    }

    CompletableFuture<JsonNode> register(KinesisInput in, RequestContext ctx) {
        String streamArn = in.required("StreamARN", "streamARN");
        String name = in.required("ConsumerName", "consumerName");
        checkName(name);
        StreamInfo info = streamActions.info(ctx, streamOfArn(streamArn));
        ActionPermissions.require(ctx.session(), "RegisterStreamConsumer", MANAGE, info.name());
        String vhost = ctx.session().vhostName();
        long now = clock.getAsLong();
        List<Consumer> existing = of(vhost, info, now);
        String key = vhost + "\n" + info.name() + "\n" + name;
        if (existing.stream().anyMatch(c -> c.name().equals(name)) || !registering.add(key)) {
            throw KinesisErrors.resourceInUse("Consumer " + name + " under stream " + info.name() + " already exists"
                    + " for account " + ctx.caller().accountId() + ".");
        }
        if (existing.size() >= MAX_CONSUMERS) {
            registering.remove(key);
            throw KinesisErrors.limitExceeded("Consumer limit of " + MAX_CONSUMERS + " reached for stream "
                    + info.name() + " under account " + ctx.caller().accountId() + ".");
        }
        String arn = KinesisShapes.arn(ctx.caller(), info.name()) + "/consumer/" + name + ":" + (now / 1000);
        Consumer c = new Consumer(vhost, info.name(), info.createdMillis(), name, arn, now, 0);
        return streams.retag(ctx.session(), info.name(), Map.of(TAG_PREFIX + name, now + " " + arn), Set.of(),
                ctx.executor()).whenComplete((i, t) -> registering.remove(key)).thenApply(i -> {
                    ObjectNode out = KinesisShapes.object();
                    out.set("Consumer", shape(c, now, false));
                    return out;
                });
    }

    CompletableFuture<JsonNode> deregister(KinesisInput in, RequestContext ctx) {
        Consumer c = find(in, ctx);
        ActionPermissions.require(ctx.session(), "DeregisterStreamConsumer", MANAGE, c.stream());
        if (c.deregistered() > 0) {
            return CompletableFuture.completedFuture(KinesisShapes.object());
        }
        long now = clock.getAsLong();
        deleting.put(c.arn(), new Consumer(c.vhost(), c.stream(), c.streamCreated(), c.name(), c.arn(), c.created(),
                now));
        return streams.retag(ctx.session(), c.stream(), Map.of(), Set.of(TAG_PREFIX + c.name()), ctx.executor())
                .thenApply(i -> KinesisShapes.object());
    }

    CompletableFuture<JsonNode> describe(KinesisInput in, RequestContext ctx) {
        Consumer c = find(in, ctx);
        ObjectNode out = KinesisShapes.object();
        out.set("ConsumerDescription", shape(c, clock.getAsLong(), true));
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> list(KinesisInput in, RequestContext ctx) {
        String streamArn = in.required("StreamARN", "streamARN");
        int limit = KinesisStreamActions.limit(in, "MaxResults", "maxResults", 100, 10_000);
        StreamInfo info = streamActions.info(ctx, streamOfArn(streamArn));
        Long createdFilter = in.timestamp("StreamCreationTimestamp");
        long now = clock.getAsLong();
        List<Consumer> all = createdFilter != null && createdFilter / 1000 != info.createdMillis() / 1000
                ? List.of() : of(ctx.session().vhostName(), info, now);
        int from = 0;
        String token = in.string("NextToken");
        if (token != null) {
            try {
                from = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw KinesisErrors.invalidArgument("Invalid NextToken.");
            }
        }
        ObjectNode out = KinesisShapes.object();
        ArrayNode list = out.putArray("Consumers");
        int end = Math.min(all.size(), from + limit);
        for (int i = Math.max(0, from); i < end; i++) {
            list.add(shape(all.get(i), now, false));
        }
        if (end < all.size()) {
            out.put("NextToken", Integer.toString(end));
        }
        return CompletableFuture.completedFuture(out);
    }

    /** The consumer a request names by ConsumerARN, or by StreamARN and ConsumerName. */
    Consumer find(KinesisInput in, RequestContext ctx) {
        String arn = in.string("ConsumerARN");
        String vhost = ctx.session().vhostName();
        long now = clock.getAsLong();
        if (arn != null) {
            Consumer c = null;
            int at = arn.indexOf("/consumer/");
            Arn parsed = Arn.parse(arn);
            if (at > 0 && parsed != null && parsed.resource().startsWith("stream/")) {
                String stream = parsed.resource().substring("stream/".length(), parsed.resource().indexOf("/consumer/"));
                try {
                    StreamInfo info = streams.describe(ctx.session(), stream);
                    c = of(vhost, info, now).stream().filter(x -> x.arn().equals(arn)).findFirst().orElse(null);
                } catch (io.ferrymq.core.errors.BrokerException e) {
                    c = null;
                }
            }
            if (c == null) {
                throw KinesisErrors.resourceNotFound("Consumer " + arn + " under account "
                        + ctx.caller().accountId() + " not found.");
            }
            return c;
        }
        String streamArn = in.string("StreamARN");
        String name = in.string("ConsumerName");
        if (streamArn == null || name == null) {
            throw KinesisErrors.invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be"
                    + " specified.");
        }
        StreamInfo info = streamActions.info(ctx, streamOfArn(streamArn));
        return of(vhost, info, now).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> KinesisErrors.resourceNotFound("Consumer " + name + " under stream " + info.name()
                        + " under account " + ctx.caller().accountId() + " not found."));
    }

    /** The stream's consumers (registered, then those being deleted) in registration order; forgets those gone. */
    private List<Consumer> of(String vhost, StreamInfo info, long now) {
        deleting.values().removeIf(c -> c.gone(now) || (c.vhost().equals(vhost) && c.stream().equals(info.name())
                && c.streamCreated() != info.createdMillis()));
        List<Consumer> out = new ArrayList<>();
        for (Consumer c : registered(info)) {
            if (!deleting.containsKey(c.arn())) {
                out.add(c);
            }
        }
        for (Consumer c : deleting.values()) {
            if (c.vhost().equals(vhost) && c.stream().equals(info.name())) {
                out.add(c);
            }
        }
        out.sort(java.util.Comparator.comparingLong(Consumer::created).thenComparing(Consumer::name));
        return out;
    }

    private static ObjectNode shape(Consumer c, long now, boolean withStream) {
        ObjectNode n = KinesisShapes.object().put("ConsumerName", c.name()).put("ConsumerARN", c.arn())
                .put("ConsumerStatus", c.status(now));
        n.putPOJO("ConsumerCreationTimestamp", new WireTimestamp(c.created()));
        if (withStream) {
            n.put("StreamARN", c.arn().substring(0, c.arn().indexOf("/consumer/")));
        }
        return n;
    }

    private static String streamOfArn(String arn) {
        Arn parsed = Arn.parse(arn);
        if (parsed == null || !"kinesis".equals(parsed.service()) || !parsed.resource().startsWith("stream/")
                || parsed.resource().contains("/consumer/")) {
            throw KinesisErrors.invalidArgument("StreamARN " + arn + " is not the ARN of a Kinesis stream");
        }
        String name = parsed.resource().substring("stream/".length());
        KinesisInput.checkStreamName(name);
        return name;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.length() > 128) {
            throw JsonErrors.validation("'" + name + "'", "consumerName", name.isEmpty()
                    ? "must have length greater than or equal to 1" : "must have length less than or equal to 128");
        }
        if (!NAME.matcher(name).matches()) {
            throw JsonErrors.validation("'" + name + "'", "consumerName",
                    "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
    }
}
