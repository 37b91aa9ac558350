package io.ferrymq.aws.wire;

import io.ferrymq.core.errors.BrokerException;

/**
 * The errors that AWS's JSON services (Kinesis, Firehose) share: the exception name as {@code __type}, HTTP 400 for
 * the caller's mistakes, the validation wording of AWS's request validator, and a core failure in their terms.
 */
public final class JsonErrors {

    private JsonErrors() {
    }

    /** The caller's mistake, as the exception {@code type}. */
    public static AwsError client(String type, String message) {
        return new AwsError(type, type, 400, true, message);
    }

    /** A value outside a field's constraints, in AWS's wording. */
    public static AwsError validation(String value, String field, String constraint) {
        return client("ValidationException", "1 validation error detected: Value " + value + " at '" + field
                + "' failed to satisfy constraint: Member " + constraint);
    }

    public static AwsError missing(String field) {
        return validation("null", field, "must not be null");
    }

    public static AwsError serialization(String message) {
        return client("SerializationException", message);
    }

    public static AwsError unknownOperation(String action) {
        return client("UnknownOperationException", "The operation " + action + " is not known to this endpoint");
    }

    /**
     * Any failure in the service's terms: an {@link AwsError} as it is, a core failure mapped by its code, anything
     * else an internal failure. {@code unavailableType} is the service's name for "try again later".
     */
    public static AwsError translate(Throwable t, String unavailableType) {
        if (t instanceof AwsError e) {
            return e;
        }
        if (t instanceof BrokerException e) {
            return switch (e.code()) {
                case NOT_FOUND -> client("ResourceNotFoundException", e.getMessage());
                case PRECONDITION_FAILED, ILLEGAL_STATE, RESOURCE_LOCKED -> client("ResourceInUseException",
                        e.getMessage());
                case INVALID_ARGUMENT -> client("InvalidArgumentException", e.getMessage());
                case UNAUTHORIZED, AUTHENTICATION_FAILED -> client("AccessDeniedException", e.getMessage());
                case RESOURCE_LIMIT_EXCEEDED -> client("LimitExceededException", e.getMessage());
                case UNAVAILABLE, DISK_FULL -> new AwsError(unavailableType, unavailableType, 503, false,
                        e.getMessage());
                case INTERNAL -> internal(e.getMessage());
            };
        }
        return internal("internal error: " + t);
    }

    private static AwsError internal(String message) {
        return new AwsError("InternalFailure", "InternalFailure", 500, false, message);
    }
}
