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

    public static String string(JsonNode in, String name) {
        JsonNode v = in.get(name);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
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
        return v.isBoolean() ? v.booleanValue() : Boolean.parseBoolean(v.asText());
    }

    public static List<String> strings(JsonNode in, String name) {
        JsonNode v = in.get(name);
        List<String> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(x -> out.add(x.asText()));
        } else if (v != null && v.isValueNode() && !v.isNull()) {
            out.add(v.asText());
        }
        return out;
    }

    /** A map of strings (queue attributes, tags). */
    public static Map<String, String> stringMap(JsonNode in, String name) {
        JsonNode v = in.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (v != null && v.isObject()) {
            v.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? null
                    : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        return out;
    }

    public static List<JsonNode> objects(JsonNode in, String name) {
        JsonNode v = in.get(name);
        List<JsonNode> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(out::add);
        }
        return out;
    }
}
