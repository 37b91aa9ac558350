package io.ferrymq.aws.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads action parameters from the JSON input tree, whichever wire protocol it came from (the Query
 * protocol gives every value as text, the JSON protocol typed values).
 */
public final class Inputs {

    private Inputs() {
    }

    /** @throws AwsError SerializationException when the JSON protocol sent another type than a string */
    public static String string(JsonNode in, String name) {
        JsonNode v = in.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        return v.textValue();
    }

    /**
     * The JSON protocol's answer to a value of the wrong JSON type (as AWS's JSON services give it); the Query
     * protocol sends only text, so only JSON requests meet it.
     */
    public static AwsError wrongType(String name, String expected, JsonNode got) {
        return new AwsError("SerializationException", "com.amazon.coral.service#SerializationException", 400, true,
                "Cannot read parameter " + name + ": expected " + expected + " but got " + kind(got));
    }

    /** How the Query protocol sends an empty list or map: the bare name with an empty value. */
    private static boolean emptyQueryValue(JsonNode v) {
        return v.isTextual() && v.textValue().isEmpty();
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT, POJO -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    public static String required(JsonNode in, String name) {
        String v = string(in, name);
        if (v == null) {
            throw AwsError.badRequest("MissingParameter", "The request must contain the parameter " + name + ".");
        }
        return v;
    }

    /**
     * An optional whole number.
     *
     * @throws AwsError InvalidParameterValue in SQS's wording when it is not one
     */
    public static Integer integer(JsonNode in, String name) {
        JsonNode v = in.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw wrongType(name, "an integer", v);
        }
        String text = v.asText().trim();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw AwsError.badRequest("InvalidParameterValue", "Value " + text + " for parameter " + name
                    + " is invalid. Reason: Must be an integer.");
        }
    }

    public static boolean bool(JsonNode in, String name, boolean fallback) {
        JsonNode v = in.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean() && !v.isTextual()) {
            throw wrongType(name, "a boolean", v);
        }
        return v.isBoolean() ? v.booleanValue() : Boolean.parseBoolean(v.asText());
    }

    /** A list of strings; the Query protocol may give a single one as plain text. */
    public static List<String> strings(JsonNode in, String name) {
        JsonNode v = in.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.textValue());
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(name, "a list of strings", v);
        }
        for (JsonNode x : v) {
            if (!x.isTextual()) {
                throw wrongType(name, "a list of strings", x);
            }
            out.add(x.textValue());
        }
        return out;
    }

    /** A map of strings (queue attributes, tags). */
    public static Map<String, String> stringMap(JsonNode in, String name) {
        JsonNode v = in.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null || v.isNull() || emptyQueryValue(v)) {
            return out;
        }
        if (!v.isObject()) {
            throw wrongType(name, "a map of strings", v);
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode x = e.getValue();
            if (!x.isNull() && !x.isTextual()) {
                throw wrongType(name + "." + e.getKey(), "a string", x);
            }
            out.put(e.getKey(), x.isNull() ? null : x.textValue());
        }
        return out;
    }

    public static List<JsonNode> objects(JsonNode in, String name) {
        JsonNode v = in.get(name);
        List<JsonNode> out = new ArrayList<>();
        if (v == null || v.isNull() || emptyQueryValue(v)) {
            return out;
        }
        if (!v.isArray()) {
            throw wrongType(name, "a list", v);
        }
        for (JsonNode x : v) {
            if (!x.isObject()) {
                throw wrongType(name, "a list of objects", x);
            }
            out.add(x);
        }
        return out;
    }
}
