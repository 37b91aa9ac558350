package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.auth.ActionPermissions;
import io.ferrymq.aws.wire.RequestContext;
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
 * ACTIVE before they subscribe. Consumers live as long as the broker (they hold no records: a subscription
 * reads the shard log).
 */
final class StreamConsumers {

    /** How long a consumer is CREATING or DELETING (broker clock). */
    static final long TRANSITION_MILLIS = 500;
    static final int MAX_CONSUMERS = 20;
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

    private final KinesisStreamActions streamActions;
    private final LongSupplier clock;
    /** By consumer ARN. */
    private final Map<String, Consumer> consumers = new ConcurrentHashMap<>();

    StreamConsumers(KinesisStreamActions streamActions, LongSupplier clock) {
        this.streamActions = streamActions;
        this.clock = clock;
    }

    /** The consumers of a stream now (DescribeStreamSummary's ConsumerCount). */
    int count(StreamInfo info) {
        return of(info.vhost(), info, clock.getAsLong()).size();
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
        if (existing.stream().anyMatch(c -> c.name().equals(name))) {
            throw KinesisErrors.resourceInUse("Consumer " + name + " under stream " + info.name() + " already exists"
                    + " for account " + ctx.caller().accountId() + ".");
        }
        if (existing.size() >= MAX_CONSUMERS) {
            throw KinesisErrors.limitExceeded("Consumer limit of " + MAX_CONSUMERS + " reached for stream "
                    + info.name() + " under account " + ctx.caller().accountId() + ".");
        }
        String arn = KinesisShapes.arn(ctx.caller(), info.name()) + "/consumer/" + name + ":" + (now / 1000);
        Consumer c = new Consumer(vhost, info.name(), info.createdMillis(), name, arn, now, 0);
        if (consumers.putIfAbsent(arn, c) != null) {
            throw KinesisErrors.resourceInUse("Consumer " + name + " under stream " + info.name() + " already exists"
                    + " for account " + ctx.caller().accountId() + ".");
        }
        ObjectNode out = KinesisShapes.object();
        out.set("Consumer", shape(c, now, false));
        return CompletableFuture.completedFuture(out);
    }

    CompletableFuture<JsonNode> deregister(KinesisInput in, RequestContext ctx) {
        Consumer c = find(in, ctx);
        ActionPermissions.require(ctx.session(), "DeregisterStreamConsumer", MANAGE, c.stream());
        long now = clock.getAsLong();
        if (c.deregistered() == 0) {
            consumers.replace(c.arn(), c, new Consumer(c.vhost(), c.stream(), c.streamCreated(), c.name(), c.arn(),
                    c.created(), now));
        }
        return CompletableFuture.completedFuture(KinesisShapes.object());
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
            Consumer c = consumers.get(arn);
            if (c == null || !c.vhost().equals(vhost) || c.gone(now) || !current(c, ctx)) {
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

    /** Whether the consumer's stream still exists (and is not a later stream of the same name). */
    private boolean current(Consumer c, RequestContext ctx) {
        try {
            return streamActions.info(ctx, c.stream()).createdMillis() == c.streamCreated();
        } catch (io.ferrymq.aws.wire.AwsError e) {
            return false;
        }
    }

    /** The stream's consumers in registration order; forgets those gone. */
    private List<Consumer> of(String vhost, StreamInfo info, long now) {
        consumers.values().removeIf(c -> c.gone(now) || (c.vhost().equals(vhost) && c.stream().equals(info.name())
                && c.streamCreated() != info.createdMillis()));
        List<Consumer> out = new ArrayList<>();
        for (Consumer c : consumers.values()) {
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
            throw KinesisErrors.validation("'" + name + "'", "consumerName", name.isEmpty()
                    ? "must have length greater than or equal to 1" : "must have length less than or equal to 128");
        }
        if (!NAME.matcher(name).matches()) {
            throw KinesisErrors.validation("'" + name + "'", "consumerName",
                    "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
    }
}
