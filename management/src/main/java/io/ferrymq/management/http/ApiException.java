package io.ferrymq.management.http;

import io.ferrymq.core.errors.BrokerException;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the API refuses, with RabbitMQ's error body: {@code {"error": "not_found", "reason": "..."}}. The
 * reason is for a person: it says what was wrong and never holds a class name or a stack trace.
 */
public final class ApiException extends RuntimeException {

    private final HttpResponseStatus status;
    private final String error;

    public ApiException(HttpResponseStatus status, String error, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String reason) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request", reason);
    }

    public static ApiException notFound(String reason) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", reason);
    }

    public static ApiException forbidden(String reason) {
        return new ApiException(HttpResponseStatus.FORBIDDEN, "not_authorised", reason);
    }

    public HttpResponseStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** The broker's refusal as the API's: each error code to its HTTP status. */
    public static ApiException from(BrokerException e) {
        return switch (e.code()) {
            case AUTHENTICATION_FAILED -> new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorised", e.getMessage());
            case UNAUTHORIZED -> new ApiException(HttpResponseStatus.FORBIDDEN, "access_refused", e.getMessage());
            case NOT_FOUND -> notFound(e.getMessage());
            case PRECONDITION_FAILED, INVALID_ARGUMENT -> badRequest(e.getMessage());
            case RESOURCE_LOCKED -> new ApiException(HttpResponseStatus.CONFLICT, "resource_locked", e.getMessage());
            case ILLEGAL_STATE -> new ApiException(HttpResponseStatus.CONFLICT, "conflict", e.getMessage());
            case RESOURCE_LIMIT_EXCEEDED -> new ApiException(HttpResponseStatus.TOO_MANY_REQUESTS, "resource_limit",
                    e.getMessage());
            case DISK_FULL, UNAVAILABLE -> new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    e.getMessage());
            default -> new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error", e.getMessage());
        };
    }
}
