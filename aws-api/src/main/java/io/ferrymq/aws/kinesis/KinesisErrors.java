package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.core.errors.BrokerException;

/** Kinesis' errors: AWS's exception names as {@code __type}, HTTP 400 for the caller's mistakes. */
final class KinesisErrors {

    private KinesisErrors() {
    }

    private static AwsError client(String type, String message) {
        return new AwsError(type, type, 400, true, message);
    }

    static AwsError resourceNotFound(String message) {
        return client("ResourceNotFoundException", message);
    }

    static AwsError streamNotFound(String stream, String account) {
        return resourceNotFound("Stream " + stream + " under account " + account + " not found.");
    }

    static AwsError resourceInUse(String message) {
        return client("ResourceInUseException", message);
    }

    static AwsError invalidArgument(String message) {
        return client("InvalidArgumentException", message);
    }

    /** A value outside a field's constraints, in AWS's wording. */
    static AwsError validation(String value, String field, String constraint) {
        return client("ValidationException", "1 validation error detected: Value " + value + " at '" + field
                + "' failed to satisfy constraint: Member " + constraint);
    }

    static AwsError missing(String field) {
        return validation("null", field, "must not be null");
    }

    static AwsError expiredIterator(String message) {
        return client("ExpiredIteratorException", message);
    }

    static AwsError limitExceeded(String message) {
        return client("LimitExceededException", message);
    }

    static AwsError throughputExceeded(String message) {
        return client("ProvisionedThroughputExceededException", message);
    }

    static AwsError serialization(String message) {
        return client("SerializationException", message);
    }

    /** A core failure in Kinesis' terms. */
    static AwsError from(BrokerException e) {
        return switch (e.code()) {
            case NOT_FOUND -> resourceNotFound(e.getMessage());
            case PRECONDITION_FAILED, ILLEGAL_STATE, RESOURCE_LOCKED -> resourceInUse(e.getMessage());
            case INVALID_ARGUMENT -> invalidArgument(e.getMessage());
            case UNAUTHORIZED, AUTHENTICATION_FAILED -> client("AccessDeniedException", e.getMessage());
            case RESOURCE_LIMIT_EXCEEDED -> limitExceeded(e.getMessage());
            case UNAVAILABLE, DISK_FULL -> new AwsError("ServiceUnavailable", "ServiceUnavailable", 503, false,
                    e.getMessage());
            case INTERNAL -> new AwsError("InternalFailure", "InternalFailure", 500, false, e.getMessage());
        };
    }
}
