package io.ferrymq.aws.firehose;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.JsonErrors;
import io.ferrymq.core.errors.BrokerException;

/** Firehose's own errors; those it shares with the other JSON services are in {@link JsonErrors}. */
final class FirehoseErrors {

    /** What Firehose calls "try again later". */
    static final String UNAVAILABLE = "ServiceUnavailableException";

    private FirehoseErrors() {
    }

    static AwsError notFound(String name, String account) {
        return JsonErrors.client("ResourceNotFoundException", "Firehose " + name + " under account " + account
                + " not found.");
    }

    static AwsError inUse(String message) {
        return JsonErrors.client("ResourceInUseException", message);
    }

    static AwsError invalidArgument(String message) {
        return JsonErrors.client("InvalidArgumentException", message);
    }

    static AwsError limitExceeded(String message) {
        return JsonErrors.client("LimitExceededException", message);
    }

    static AwsError concurrentModification(String message) {
        return JsonErrors.client("ConcurrentModificationException", message);
    }

    /** A core failure in Firehose's terms. */
    static AwsError from(BrokerException e) {
        return JsonErrors.translate(e, UNAVAILABLE);
    }
}
