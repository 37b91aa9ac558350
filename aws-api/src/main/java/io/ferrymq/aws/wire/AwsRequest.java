package io.ferrymq.aws.wire;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as the AWS endpoint sees it.
 *
 * @param path        the raw path (percent-encoded as sent)
 * @param rawQuery    the raw query string, null if none
 * @param headers     header names lower-cased, values in order
 * @param form        decoded form parameters: the URL query merged with a form-encoded body
 * @param secure      whether it came over TLS (HTTPS): URLs the broker hands out then say https
 */
public record AwsRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body,
                         Map<String, String> form, SocketAddress remote, boolean fromLoopback, boolean secure) {

    public AwsRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body,
                      Map<String, String> form, SocketAddress remote, boolean fromLoopback) {
        this(method, path, rawQuery, headers, body, form, remote, fromLoopback, false);
    }

    /** The scheme and host the client addressed: {@code https://host:port} over TLS. */
    public String baseUrl() {
        return (secure ? "https://" : "http://") + host();
    }

    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public String param(String name) {
        return form.get(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The host the client addressed, as it wrote it (with the port if it gave one). */
    public String host() {
        String h = header("host");
        return h == null || h.isBlank() ? "localhost" : h.trim();
    }
}
