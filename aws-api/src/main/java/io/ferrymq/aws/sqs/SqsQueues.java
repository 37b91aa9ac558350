package io.ferrymq.aws.sqs;

import io.ferrymq.aws.Arn;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finding queues from what requests name: queue URLs ({@code http://HOST/ACCOUNT/NAME}), ARNs, names;
 * and building those for answers. An account id maps to a virtual host.
 */
public final class SqsQueues {

    /** Compiled once: every request that names a queue URL goes through {@link #byUrl}. */
    private static final Pattern EDGE_SLASHES = Pattern.compile("^/+|/+$");

    /** A queue a request addressed, found. */
    public record Target(String vhost, String account, String name, QueueMeta meta) {
        public boolean fifo() {
            return meta.fifo();
        }
    }

    private final AwsApiSettings settings;
    private final QueueRegistry registry;

    public SqsQueues(AwsApiSettings settings, QueueRegistry registry) {
        this.settings = settings;
        this.registry = registry;
    }

    public QueueRegistry registry() {
        return registry;
    }

    public String url(RequestContext ctx, String account, String name) {
        String base = settings.queueUrlBase();
        if (base == null) {
            base = ctx == null ? "http://localhost:9324" : ctx.request().baseUrl();
        }
        return base + "/" + account + "/" + name;
    }

    public String arn(String region, String account, String name) {
        return Arn.of("sqs", region, account, name).toString();
    }

    public String arn(RequestContext ctx, Target t) {
        return arn(ctx.caller().region(), t.account(), t.name());
    }

    /** The queue a {@code QueueUrl} names (or the request path, for clients that post to the queue URL). */
    public Target byUrl(RequestContext ctx, String queueUrl) {
        String url = queueUrl;
        if (url == null || url.isEmpty()) {
            String path = ctx.request().path();
            if (path.length() > 1) {
                url = path;
            } else {
                throw SqsErrors.missing("QueueUrl");
            }
        }
        String path;
        try {
            path = url.contains("://") ? URI.create(url).getRawPath() : url;
        } catch (IllegalArgumentException e) {
            throw SqsErrors.invalidAddress(url);
        }
        if (path == null) {
            throw SqsErrors.invalidAddress(url);
        }
        String[] parts = EDGE_SLASHES.matcher(path).replaceAll("").split("/");
        if (parts.length < 2 || parts[parts.length - 1].isEmpty()) {
            throw SqsErrors.invalidAddress(url);
        }
        String account = parts[parts.length - 2];
        String name;
        try {
            name = URLDecoder.decode(parts[parts.length - 1], StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SqsErrors.invalidAddress(url);
        }
        return find(ctx, account, ctx.caller().region(), name);
    }

    /** The queue an ARN names, or null. */
    public Target byArn(RequestContext ctx, String arnText) {
        return byArn(ctx::session, arnText);
    }

    /** The queue an ARN names, or null, looked up through the session {@code sessionIn} gives for its vhost. */
    public Target byArn(Function<String, Session> sessionIn, String arnText) {
        Arn arn = Arn.parse(arnText);
        if (arn == null || !"sqs".equals(arn.service())) {
            return null;
        }
        String vhost = settings.vhostOf(arn.account(), arn.region());
        if (vhost == null) {
            return null;
        }
        QueueMeta m = findOrNull(sessionIn, vhost, arn.resource());
        return m == null ? null : new Target(vhost, arn.account(), arn.resource(), m);
    }

    public Target byName(RequestContext ctx, String account, String name) {
        return find(ctx, account, ctx.caller().region(), name);
    }

    private Target find(RequestContext ctx, String account, String region, String name) {
        String vhost = settings.vhostOf(account, region);
        QueueMeta m = vhost == null ? null : registry.find(ctx.session(vhost), name);
        if (m == null) {
            throw SqsErrors.queueDoesNotExist(ctx.protocol());
        }
        return new Target(vhost, account, name, m);
    }

    /** @throws AwsError QueueDoesNotExist when the queue went away meanwhile */
    public Target refresh(RequestContext ctx, Target t) {
        QueueMeta m = registry.find(ctx.session(t.vhost()), t.name());
        if (m == null) {
            throw SqsErrors.queueDoesNotExist(ctx.protocol());
        }
        return new Target(t.vhost(), t.account(), t.name(), m);
    }

    /**
     * The queue's metadata, or null when there is no such queue or the caller cannot open that vhost (an ARN
     * only says where a queue would be).
     */
    public QueueMeta findOrNull(Function<String, Session> sessionIn, String vhost, String name) {
        try {
            return registry.find(sessionIn.apply(vhost), name);
        } catch (BrokerException e) {
            return null;
        }
    }
}
