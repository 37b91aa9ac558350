package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.core.errors.BrokerException;

/** Kinesis' own errors; those it shares with the other JSON services are in {@link JsonErrors}. */
final class KinesisErrors {

    /** What Kinesis calls "try again later". */
    static final String UNAVAILABLE = "ServiceUnavailable";

    private KinesisErrors() {
    }

    static AwsError resourceNotFound(String message) {
        return JsonErrors.client("ResourceNotFoundException", message);
    }

    static AwsError streamNotFound(String stream, String account) {
        return resourceNotFound("Stream " + stream + " under account " + account + " not found.");
    }

    static AwsError resourceInUse(String message) {
        return JsonErrors.client("ResourceInUseException", message);
    }

    static AwsError invalidArgument(String message) {
        return JsonErrors.client("InvalidArgumentException", message);
    }

    static AwsError expiredIterator(String message) {
        return JsonErrors.client("ExpiredIteratorException", message);
    }

    static AwsError limitExceeded(String message) {
        return JsonErrors.client("LimitExceededException", message);
    }

    static AwsError throughputExceeded(String message) {
        return JsonErrors.client("ProvisionedThroughputExceededException", message);
    }

    /** A core failure in Kinesis' terms. */
    static AwsError from(BrokerException e) {
        return JsonErrors.translate(e, UNAVAILABLE);
    }
}
