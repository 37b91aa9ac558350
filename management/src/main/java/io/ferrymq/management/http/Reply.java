package io.ferrymq.management.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;

/** An HTTP answer: status, content type and body. */
public record Reply(HttpResponseStatus status, String contentType, byte[] body) {

    public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    public static Reply json(HttpResponseStatus status, Object value) {
        try {
            return new Reply(status, "application/json", JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON for " + value.getClass().getSimpleName(), e);
        }
    }

    public static Reply ok(Object value) {
        return json(HttpResponseStatus.OK, value);
    }

    /** 201 when the call created something, 204 when it changed what was there (RabbitMQ's PUT answers). */
    public static Reply created(boolean created) {
        return created ? new Reply(HttpResponseStatus.CREATED, null, new byte[0]) : noContent();
    }

    public static Reply noContent() {
        return new Reply(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
    }

    public static Reply text(HttpResponseStatus status, String contentType, String text) {
        return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }
}
