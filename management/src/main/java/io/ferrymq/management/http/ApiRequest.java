package io.ferrymq.management.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One request as the API's routes see it.
 *
 * @param method   the HTTP method, upper case
 * @param segments the path split at {@code /}, each percent-decoded on its own (so the vhost {@code %2F} is one
 *                 segment, {@code /})
 * @param query    decoded query parameters
 * @param body     the request body, empty when there is none
 * @param reason   the {@code X-Reason} header (why an operator closes a connection), null when absent
 */
public record ApiRequest(String method, List<String> segments, Map<String, List<String>> query, byte[] body,
                         String authorization, SocketAddress remote, String reason) {

    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** The body as JSON: an empty body is JSON null. */
    public JsonNode json() {
        if (body.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return Reply.JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("the request body cannot be read: " + e.getMessage());
        }
    }
}
