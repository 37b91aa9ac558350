package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.stomp.codec.StompFrame;
import io.ferrymq.stomp.codec.StompVersion;

import java.nio.charset.StandardCharsets;

/**
 * STOMP's one error: an ERROR frame, after which the server closes the connection. Every core
 * {@link ErrorCode} has its summary here (the {@code message} header starts with it); the detail is the
 * exception's message, never a Java class name.
 */
final class StompErrors {

    private StompErrors() {
    }

    /** The ERROR frame's summary for a core error. A new error code must be given its summary here. */
    static String summary(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED -> "Authentication failed";
            case UNAUTHORIZED -> "Access refused";
            case NOT_FOUND -> "Not found";
            case PRECONDITION_FAILED -> "Precondition failed";
            case RESOURCE_LOCKED -> "Resource locked";
            case RESOURCE_LIMIT_EXCEEDED -> "Resource limit exceeded";
            case DISK_FULL -> "Disk full";
            case INVALID_ARGUMENT -> "Bad frame";
            case ILLEGAL_STATE -> "Illegal state";
            case UNAVAILABLE -> "Unavailable";
            case INTERNAL -> "Internal error";
        };
    }

    /** The ERROR frame for a core error met while processing {@code frame} (null when no frame caused it). */
    static StompFrame of(BrokerException e, StompFrame frame, StompVersion version) {
        return of(summary(e.code()), e.getMessage(), frame, version);
    }

    /** An ERROR frame for a failure the adapter found itself, while processing {@code frame} (or null). */
    static StompFrame of(String summary, String detail, StompFrame frame, StompVersion version) {
        String context = frame == null ? "" : "\n\nwhile processing " + frame.command()
                + (frame.header("destination") == null ? "" : " to " + frame.header("destination"));
        return frame(summary, detail + context, frame == null ? null : frame.header("receipt"), version);
    }

    /** The frame itself: the summary and the detail's first line in {@code message}, the whole detail as body. */
    static StompFrame frame(String summary, String detail, String receiptId, StompVersion version) {
        String firstLine = detail.lines().findFirst().orElse(detail);
        StompFrame.Builder b = StompFrame.builder("ERROR")
                .header("message", summary + ": " + firstLine)
                .header("content-type", "text/plain");
        if (receiptId != null) {
            b.header("receipt-id", receiptId);
        }
        if (version != StompVersion.V1_0) {
            b.header("version", version.text());
        }
        return b.body(detail.getBytes(StandardCharsets.UTF_8)).build();
    }
}
