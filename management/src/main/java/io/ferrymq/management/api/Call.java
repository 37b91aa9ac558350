package io.ferrymq.management.api;

import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.ApiRequest;
import io.ferrymq.management.http.Caller;

import java.util.Map;

/** A routed request: who calls, the request, and the values of the path's {@code {placeholders}}. */
public record Call(Caller caller, ApiRequest request, Map<String, String> params) {

    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("the route has no parameter '" + name + "'");
        }
        return v;
    }

    /** An integer query parameter or body field, with a default. */
    public int intQuery(String name, int fallback) {
        String v = request.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter " + name + " must be a whole number, not '" + v + "'");
        }
    }

    public boolean boolQuery(String name) {
        return "true".equalsIgnoreCase(request.queryParam(name));
    }
}
