package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;
import io.ferrymq.core.api.Streams;
import io.ferrymq.core.stream.StreamInfo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Start/StopStreamEncryption: the stream's server-side encryption setting (KMS and a key id) as AWS checks and
 * reports it. The setting is kept in the stream's durable definition among its tags, under the {@code aws:}
 * prefix that AWS reserves (users cannot tag with it), so it survives restarts without a Kinesis field in the
 * core; the tag APIs hide those keys. Records are not encrypted with a KMS key here (there is no KMS).
 */
final class StreamEncryption {

    /** The reserved tag-key prefix: AWS refuses user tags that start with it. */
    static final String RESERVED_PREFIX = "aws:";
    static final String KEY_TAG = "aws:kinesis:encryption-key-id";
    private static final Pattern KEY_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                    + "|mrk-[0-9a-fA-F]{32}"
                    + "|alias/[a-zA-Z0-9/_-]{1,250}"
                    + "|arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-fA-F-]{36}|key/mrk-[0-9a-fA-F]{32}"
                    + "|alias/[a-zA-Z0-9/_-]{1,250})");

    private final Streams streams;
    private final KinesisStreamActions streamActions;

    StreamEncryption(Streams streams, KinesisStreamActions streamActions) {
        this.streams = streams;
        this.streamActions = streamActions;
    }

    /** {@code KMS} or {@code NONE}, as DescribeStream and PutRecord(s) report it. */
    static String type(StreamInfo s) {
        return s.tags().containsKey(KEY_TAG) ? "KMS" : "NONE";
    }

    /** The KMS key id, or null when the stream is not encrypted. */
    static String keyId(StreamInfo s) {
        return s.tags().get(KEY_TAG);
    }

    /** The tags users set (without the reserved ones). */
    static Map<String, String> userTags(StreamInfo s) {
        Map<String, String> out = new LinkedHashMap<>(s.tags());
        out.keySet().removeIf(k -> k.startsWith(RESERVED_PREFIX));
        return out;
    }

    CompletableFuture<JsonNode> start(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        String keyId = checked(in);
        StreamInfo s = streamActions.info(ctx, name);
        return streamActions.updating(ctx, s, () -> streams.retag(ctx.session(), name, Map.of(KEY_TAG, keyId),
                Set.of(), ctx.executor())).thenApply(i -> (JsonNode) KinesisShapes.object());
    }

    CompletableFuture<JsonNode> stop(KinesisInput in, RequestContext ctx) {
        String name = in.streamName();
        String keyId = checked(in);
        StreamInfo s = streamActions.info(ctx, name);
        String current = keyId(s);
        if (current != null && !current.equals(keyId)) {
            throw KinesisErrors.invalidArgument("Stream " + name + " under account " + ctx.caller().accountId()
                    + " is encrypted with KeyId " + current + ", not " + keyId + ".");
        }
        return streamActions.updating(ctx, s, () -> streams.retag(ctx.session(), name, Map.of(), Set.of(KEY_TAG),
                ctx.executor())).thenApply(i -> (JsonNode) KinesisShapes.object());
    }

    /** EncryptionType (KMS only) and KeyId, checked as AWS checks them; returns the key id. */
    private static String checked(KinesisInput in) {
        String type = in.required("EncryptionType", "encryptionType");
        if (!type.equals("KMS") && !type.equals("NONE")) {
            throw JsonErrors.validation("'" + type + "'", "encryptionType",
                    "must satisfy enum value set: [KMS, NONE]");
        }
        String keyId = in.required("KeyId", "keyId");
        if (keyId.isEmpty() || keyId.length() > 2048) {
            throw JsonErrors.validation("'" + keyId + "'", "keyId", keyId.isEmpty()
                    ? "must have length greater than or equal to 1" : "must have length less than or equal to 2048");
        }
        if (type.equals("NONE")) {
            throw KinesisErrors.invalidArgument("EncryptionType NONE is not valid here: server-side encryption is"
                    + " started and stopped with EncryptionType KMS.");
        }
        if (!KEY_ID.matcher(keyId).matches()) {
            throw KinesisErrors.invalidArgument("KeyId " + keyId + " is not a KMS key id, key ARN, alias name"
                    + " (alias/...) or alias ARN.");
        }
        return keyId;
    }

    /** Adds EncryptionType (and KeyId when encrypted) to a description. */
    static void describe(ObjectNode d, StreamInfo s) {
        d.put("EncryptionType", type(s));
        String key = keyId(s);
        if (key != null) {
            d.put("KeyId", key);
        }
    }
}
