package io.ferrymq.aws.sns;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.core.errors.BrokerException;

/** SNS's error codes and wording. */
final class SnsErrors {

    private SnsErrors() {
    }

    static AwsError invalidParameter(String what) {
        return AwsError.badRequest("InvalidParameter", "Invalid parameter: " + what);
    }

    static AwsError invalidParameterValue(String what) {
        return new AwsError("ParameterValueInvalid", "InvalidParameterValue", 400, true, what);
    }

    static AwsError notFound(String message) {
        return AwsError.sender("NotFound", 404, message);
    }

    static AwsError topicNotFound() {
        return notFound("Topic does not exist");
    }

    static AwsError resourceNotFound() {
        return AwsError.sender("ResourceNotFound", 404, "Resource does not exist");
    }

    static AwsError batch(String code, String message) {
        return AwsError.badRequest(code, message);
    }

    static AwsError from(BrokerException e) {
        return switch (e.code()) {
            case NOT_FOUND -> notFound(e.getMessage());
            case UNAUTHORIZED, AUTHENTICATION_FAILED -> AwsError.sender("AuthorizationError", 403, e.getMessage());
            case RESOURCE_LIMIT_EXCEEDED -> AwsError.sender("Throttled", 400, e.getMessage());
            case INVALID_ARGUMENT, PRECONDITION_FAILED, RESOURCE_LOCKED, ILLEGAL_STATE -> invalidParameter(e.getMessage());
            case UNAVAILABLE, DISK_FULL ->
                    new AwsError("ServiceUnavailable", "ServiceUnavailable", 503, false, e.getMessage());
            case INTERNAL -> new AwsError("InternalError", "InternalError", 500, false, e.getMessage());
        };
    }
}
