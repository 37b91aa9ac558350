package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.aws.wire.JsonErrors;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads a Firehose request's fields (AWS JSON 1.1: blobs as base64 text) with AWS's checks and errors. */
final class FirehoseInput {

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    private final JsonNode in;
    private final String path;

    FirehoseInput(JsonNode in) {
        this(in, "");
    }

    private FirehoseInput(JsonNode in, String path) {
        this.in = in;
        this.path = path;
    }

    JsonNode node() {
        return in;
    }

    boolean has(String field) {
        JsonNode v = in.get(field);
        return v != null && !v.isNull();
    }

    /** A nested structure, or null when absent. */
    FirehoseInput child(String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw JsonErrors.serialization("Field " + wire(field) + " must be a structure");
        }
        return new FirehoseInput(v, path + wire(field) + ".");
    }

    String wire(String field) {
        return Character.toLowerCase(field.charAt(0)) + field.substring(1);
    }

    String string(String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw JsonErrors.serialization("Field " + field + " must be a string, not "
                    + v.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return v.textValue();
    }

    String required(String field) {
        String s = string(field);
        if (s == null) {
            throw JsonErrors.missing(path + wire(field));
        }
        return s;
    }

    /** The delivery stream name field, checked against AWS's pattern. */
    String deliveryStreamName() {
        String name = required("DeliveryStreamName");
        if (!NAME.matcher(name).matches()) {
            throw JsonErrors.validation("'" + name + "'", "deliveryStreamName",
                    "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length from 1 to 64");
        }
        return name;
    }

    /** An integer field within bounds, or {@code dflt} when absent. */
    int integer(String field, int dflt, int min, int max) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw JsonErrors.serialization("Field " + field + " must be an integer");
        }
        int n = v.intValue();
        if (n < min) {
            throw JsonErrors.validation(Integer.toString(n), path + wire(field),
                    "must have value greater than or equal to " + min);
        }
        if (n > max) {
            throw JsonErrors.validation(Integer.toString(n), path + wire(field),
                    "must have value less than or equal to " + max);
        }
        return n;
    }

    /** A blob (base64 text in JSON). */
    static byte[] blob(JsonNode v, String wirePath) {
        if (v == null || v.isNull()) {
            throw JsonErrors.missing(wirePath);
        }
        if (v.isBinary()) {
            try {
                return v.binaryValue();
            } catch (java.io.IOException e) {
                throw JsonErrors.serialization("Field " + wirePath + " is not a blob");
            }
        }
        if (!v.isTextual()) {
            throw JsonErrors.serialization("Field " + wirePath + " must be base64 text");
        }
        try {
            return Base64.getDecoder().decode(v.textValue());
        } catch (IllegalArgumentException e) {
            throw JsonErrors.serialization("Field " + wirePath + " is not valid base64: " + e.getMessage());
        }
    }

    /** A list of {@code {Key, Value}} tags. */
    Map<String, String> tags(String field) {
        JsonNode v = in.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw JsonErrors.serialization("Field " + field + " must be a list");
        }
        if (v.size() > 50) {
            throw JsonErrors.validation("a list of " + v.size() + " tags", wire(field),
                    "must have length less than or equal to 50");
        }
        for (JsonNode t : v) {
            JsonNode k = t.get("Key");
            if (k == null || !k.isTextual() || k.textValue().isEmpty() || k.textValue().length() > 128) {
                throw FirehoseErrors.invalidArgument("Every tag needs a Key of 1 to 128 characters");
            }
            JsonNode val = t.get("Value");
            String value = val == null || val.isNull() ? "" : val.asText();
            if (value.length() > 256) {
                throw FirehoseErrors.invalidArgument("The value of tag " + k.textValue()
                        + " is longer than 256 characters");
            }
            out.put(k.textValue(), value);
        }
        return out;
    }
}
