package io.ferrymq.aws.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.Arn;
import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.aws.wire.RequestContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a Kinesis request's fields with AWS's checks and errors. Blobs come as byte strings in CBOR and as
 * base64 text in JSON; timestamps as epoch milliseconds in CBOR and epoch seconds in JSON.
 */
final class KinesisInput {

    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");

    /** Whether Kinesis can address a stream of this name. */
    static boolean validStreamName(String name) {
        return STREAM_NAME.matcher(name).matches();
    }

    private final JsonNode in;
    private final boolean cbor;

    KinesisInput(JsonNode in, RequestContext ctx) {
        this.in = in;
        String type = ctx.request().header("content-type");
        this.cbor = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-amz-cbor");
    }

    private KinesisInput(JsonNode in, boolean cbor) {
        this.in = in;
        this.cbor = cbor;
    }

    /** A nested structure (a record of PutRecords, a shard filter) read the same way. */
    KinesisInput child(JsonNode node) {
        return new KinesisInput(node, cbor);
    }

    JsonNode node() {
        return in;
    }

    boolean has(String field) {
        JsonNode v = in.get(field);
        return v != null && !v.isNull();
    }

    /** The field's text, or null when absent. */
    String string(String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw JsonErrors.serialization("Field " + field + " must be a string, not " + v.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        return v.textValue();
    }

    String required(String field, String wireName) {
        String s = string(field);
        if (s == null) {
            throw JsonErrors.missing(wireName);
        }
        return s;
    }

    /** The field as an integer, or null when absent. */
    Integer integer(String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw JsonErrors.serialization("Field " + field + " must be an integer");
        }
        return v.intValue();
    }

    /** The bytes of a blob field, or null when absent. */
    byte[] blob(String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (v.isBinary() || v.isTextual()) {
                return v.binaryValue();
            }
        } catch (IOException | IllegalArgumentException e) {
            throw JsonErrors.serialization("Field " + field + " is not valid base64: " + e.getMessage());
        }
        throw JsonErrors.serialization("Field " + field + " must be a blob");
    }

    /** A timestamp field in epoch milliseconds, or null when absent. */
    Long timestamp(String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return cbor ? v.longValue() : (long) Math.floor(v.doubleValue() * 1000);
        }
        if (v.isTextual()) {
            try {
                return (long) Math.floor(Double.parseDouble(v.textValue()) * 1000);
            } catch (NumberFormatException e) {
                try {
                    return java.time.Instant.parse(v.textValue()).toEpochMilli();
                } catch (java.time.format.DateTimeParseException e2) {
                    throw JsonErrors.serialization("Field " + field + " is not a timestamp: " + v.textValue());
                }
            }
        }
        throw JsonErrors.serialization("Field " + field + " must be a timestamp");
    }

    Map<String, String> stringMap(String field) {
        JsonNode v = in.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw JsonErrors.serialization("Field " + field + " must be a map");
        }
        v.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw JsonErrors.serialization("The values of " + field + " must be strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        });
        return out;
    }

    List<String> strings(String field) {
        JsonNode v = in.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw JsonErrors.serialization("Field " + field + " must be a list");
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw JsonErrors.serialization("The entries of " + field + " must be strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    List<KinesisInput> list(String field) {
        JsonNode v = in.get(field);
        List<KinesisInput> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw JsonErrors.serialization("Field " + field + " must be a list");
        }
        for (JsonNode e : v) {
            if (!e.isObject()) {
                throw JsonErrors.serialization("The entries of " + field + " must be structures");
            }
            out.add(child(e));
        }
        return out;
    }

    /**
     * The stream a request names, by {@code StreamName} or {@code StreamARN}.
     *
     * @throws AwsError ValidationException when neither is given or the name breaks Kinesis' rules
     */
    String streamName() {
        String name = string("StreamName");
        String arn = string("StreamARN");
        if (name == null && arn != null) {
            Arn parsed = Arn.parse(arn);
            if (parsed == null || !"kinesis".equals(parsed.service()) || !parsed.resource().startsWith("stream/")) {
                throw KinesisErrors.invalidArgument("StreamARN " + arn + " is not the ARN of a Kinesis stream");
            }
            name = parsed.resource().substring("stream/".length());
        }
        if (name == null) {
            throw JsonErrors.missing("streamName");
        }
        checkStreamName(name);
        return name;
    }

    static void checkStreamName(String name) {
        if (name.isEmpty() || name.length() > 128) {
            throw JsonErrors.validation("'" + name + "'", "streamName", name.isEmpty()
                    ? "must have length greater than or equal to 1" : "must have length less than or equal to 128");
        }
        if (!STREAM_NAME.matcher(name).matches()) {
            throw JsonErrors.validation("'" + name + "'", "streamName",
                    "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
    }
}
