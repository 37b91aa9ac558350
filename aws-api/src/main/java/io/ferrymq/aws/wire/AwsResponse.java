package io.ferrymq.aws.wire;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response to write: status, content type, body and extra headers. */
public record AwsResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static AwsResponse of(int status, String contentType, String body) {
        return new AwsResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), new LinkedHashMap<>());
    }

    public AwsResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
