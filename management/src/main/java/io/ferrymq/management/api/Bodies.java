package io.ferrymq.management.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reading the fields of a JSON request body, with RabbitMQ's defaults and a clear error for a wrong type. */
final class Bodies {

    private Bodies() {
    }

    static JsonNode object(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return Reply.JSON.createObjectNode();
        }
        if (!body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        return body;
    }

    static boolean bool(JsonNode body, String field, boolean fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
            return Boolean.parseBoolean(v.textValue());
        }
        throw ApiException.badRequest("field " + field + " must be true or false");
    }

    static String text(JsonNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw ApiException.badRequest("field " + field + " must be a string");
        }
        return v.asText();
    }

    static long number(JsonNode body, String field, long fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (v.canConvertToLong() && v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.textValue());
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw ApiException.badRequest("field " + field + " must be a whole number");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw ApiException.badRequest("field " + field + " must be a JSON object");
        }
        return Reply.JSON.convertValue(v, Map.class);
    }

    /** RabbitMQ's {@code tags}: a comma-separated string or, since 3.10, a list. */
    static Set<String> tags(JsonNode body) {
        JsonNode v = body.get("tags");
        Set<String> out = new LinkedHashSet<>();
        if (v == null || v.isNull()) {
            return out;
        }
        List<String> raw = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(t -> raw.add(t.asText()));
        } else if (v.isTextual()) {
            raw.addAll(List.of(v.textValue().split(",")));
        } else {
            throw ApiException.badRequest("field tags must be a list or a comma-separated string");
        }
        for (String t : raw) {
            if (!t.isBlank()) {
                out.add(t.trim());
            }
        }
        return out;
    }
}
