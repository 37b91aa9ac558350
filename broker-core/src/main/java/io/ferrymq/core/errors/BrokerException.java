package io.ferrymq.core.errors;

/**
 * An error the core reports to an adapter, which turns {@link #code()} into its protocol's own error
 * (STOMP ERROR frame, AMQP error condition, MQTT reason code, AWS error code). The message is shown to
 * people, so it says what was wrong and how to fix it.
 */
public class BrokerException extends RuntimeException {

    private final ErrorCode code;

    public BrokerException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public BrokerException(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static BrokerException notFound(String message) {
        return new BrokerException(ErrorCode.NOT_FOUND, message);
    }

    public static BrokerException unauthorized(String message) {
        return new BrokerException(ErrorCode.UNAUTHORIZED, message);
    }

    public static BrokerException invalid(String message) {
        return new BrokerException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static BrokerException illegalState(String message) {
        return new BrokerException(ErrorCode.ILLEGAL_STATE, message);
    }

    public static BrokerException resourceLimit(String message) {
        return new BrokerException(ErrorCode.RESOURCE_LIMIT_EXCEEDED, message);
    }

    public static BrokerException preconditionFailed(String message) {
        return new BrokerException(ErrorCode.PRECONDITION_FAILED, message);
    }

    public static BrokerException locked(String message) {
        return new BrokerException(ErrorCode.RESOURCE_LOCKED, message);
    }

    /** Unwraps CompletionException and friends so adapters see the core's error. */
    public static BrokerException from(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof BrokerException be) {
            return be;
        }
        return new BrokerException(ErrorCode.INTERNAL, "internal error: " + c, c);
    }
}
