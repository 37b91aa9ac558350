package io.ferrymq.aws.firehose;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.core.errors.BrokerException;

/** Firehose's errors: AWS's exception names as {@code __type}, HTTP 400 for the caller's mistakes. */
final class FirehoseErrors {

    private FirehoseErrors() {
    }

    private static AwsError client(String type, String message) {
        return new AwsError(type, type, 400, true, message);
    }

    static AwsError notFound(String name, String account) {
        return client("ResourceNotFoundException", "Firehose " + name + " under account " + account + " not found.");
    }

    static AwsError inUse(String message) {
        return client("ResourceInUseException", message);
    }

    static AwsError invalidArgument(String message) {
        return client("InvalidArgumentException", message);
    }

    static AwsError limitExceeded(String message) {
        return client("LimitExceededException", message);
    }

    static AwsError concurrentModification(String message) {
        return client("ConcurrentModificationException", message);
    }

    /** A value outside a field's constraints, in AWS's wording. */
    static AwsError validation(String value, String field, String constraint) {
        return client("ValidationException", "1 validation error detected: Value " + value + " at '" + field
                + "' failed to satisfy constraint: Member " + constraint);
    }

    static AwsError missing(String field) {
        return validation("null", field, "must not be null");
    }

    static AwsError serialization(String message) {
        return client("SerializationException", message);
    }

    /** A core failure in Firehose's terms. */
    static AwsError from(BrokerException e) {
        return switch (e.code()) {
            case NOT_FOUND -> client("ResourceNotFoundException", e.getMessage());
            case PRECONDITION_FAILED, ILLEGAL_STATE, RESOURCE_LOCKED -> inUse(e.getMessage());
            case INVALID_ARGUMENT -> invalidArgument(e.getMessage());
            case UNAUTHORIZED, AUTHENTICATION_FAILED -> client("AccessDeniedException", e.getMessage());
            case RESOURCE_LIMIT_EXCEEDED -> limitExceeded(e.getMessage());
            case UNAVAILABLE, DISK_FULL -> new AwsError("ServiceUnavailableException", "ServiceUnavailableException",
                    503, false, e.getMessage());
            case INTERNAL -> new AwsError("InternalFailure", "InternalFailure", 500, false, e.getMessage());
        };
    }
}
