package io.ferrymq.management.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The management API as the command line calls it: JSON in and out, errors turned into their reason. */
final class ManagementApi {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ApiOptions options;

    ManagementApi(ApiOptions options) {
        this.options = options;
    }

    /** A path segment: {@code /} is {@code %2F}, as the API's paths want. */
    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    String vhost() {
        return seg(options.vhost);
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    JsonNode send(String method, String path, Object body) {
        String base = options.url.endsWith("/") ? options.url.substring(0, options.url.length() - 1) : options.url;
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.REFUSED, "--url " + options.url + " is not a valid URL");
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (options.user + ":" + options.password).getBytes(StandardCharsets.UTF_8)));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(body instanceof JsonNode n
                        ? JSON.writeValueAsBytes(n) : JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = res.body().length == 0 ? NullNode.getInstance() : parse(res.body());
            if (res.statusCode() >= 400) {
                String reason = json.path("reason").asText("");
                throw new CliException(CliException.REFUSED, (reason.isEmpty() ? "HTTP " + res.statusCode() : reason)
                        + " (" + method + " " + path + ")");
            }
            return json;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot reach the management API at " + options.url
                    + ": is the broker running, with its management listener on that address?");
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "the management API at " + options.url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNREACHABLE, "interrupted");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return NullNode.getInstance();
        }
    }
}
