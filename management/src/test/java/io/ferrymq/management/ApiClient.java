package io.ferrymq.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The management API over java.net.http, as a script or monitoring tool would call it. */
public final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    public record Answer(int status, JsonNode json, String text, HttpResponse<String> raw) { }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private final String auth;

    public ApiClient(int port, String user, String password) {
        this.port = port;
        this.auth = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public ApiClient as(String user, String password) {
        return new ApiClient(port, user, password);
    }

    public Answer get(String path) {
        return send("GET", path, null);
    }

    public Answer put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Answer post(String path, Object body) {
        return send("POST", path, body);
    }

    public Answer delete(String path) {
        return send("DELETE", path, null);
    }

    public Answer send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30));
            if (auth != null) {
                b.header("Authorization", auth);
            }
            if (body != null) {
                b.header("Content-Type", "application/json");
                String text = body instanceof String s ? s : JSON.writeValueAsString(body);
                b.method(method, HttpRequest.BodyPublishers.ofString(text));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = MissingNode.getInstance();
            String type = res.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json") && !res.body().isEmpty()) {
                json = JSON.readTree(res.body());
            }
            return new Answer(res.statusCode(), json, res.body(), res);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
