package io.ferrymq.tests.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** The management API as a script calls it: HTTP Basic as {@code admin}, JSON answers. */
final class ManagementHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private final String auth = "Basic " + Base64.getEncoder()
            .encodeToString(("admin:" + ManagementTestBroker.PASSWORD).getBytes(StandardCharsets.UTF_8));

    ManagementHttp(int port) {
        this.port = port;
    }

    JsonNode get(String path) {
        HttpResponse<String> r = send("GET", path, Map.of());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The raw text of a page ({@code /metrics}). */
    String text(String path) {
        return send("GET", path, Map.of()).body();
    }

    HttpResponse<String> send(String method, String path, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", auth)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            headers.forEach(b::header);
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
