package io.ferrymq.aws.sqs;

import io.ferrymq.aws.wire.AwsError;
import io.ferrymq.aws.wire.WireProtocol;
import io.ferrymq.core.errors.BrokerException;

/** SQS's errors with the codes and wording AWS uses (Query code, JSON type, HTTP status). */
final class SqsErrors {

    private SqsErrors() {
    }

    static AwsError queueDoesNotExist(WireProtocol p) {
        return new AwsError("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist", 400, true,
                p == WireProtocol.QUERY ? "The specified queue does not exist for this wsdl version."
                        : "The specified queue does not exist.");
    }

    static AwsError queueNameExists(String attribute) {
        return new AwsError("QueueAlreadyExists", "QueueNameExists", 400, true,
                "A queue already exists with the same name and a different value for attribute " + attribute);
    }

    static AwsError invalidParameterValue(String message) {
        return AwsError.badRequest("InvalidParameterValue", message);
    }

    static AwsError invalidValue(Object value, String parameter, String reason) {
        return invalidParameterValue("Value " + value + " for parameter " + parameter + " is invalid. Reason: " + reason);
    }

    static AwsError missing(String parameter) {
        return AwsError.badRequest("MissingParameter", "The request must contain the parameter " + parameter + ".");
    }

    static AwsError invalidAttributeName(String name) {
        return AwsError.badRequest("InvalidAttributeName", "Unknown Attribute " + name + ".");
    }

    static AwsError invalidAttributeValue(String name) {
        return AwsError.badRequest("InvalidAttributeValue", "Invalid value for the parameter " + name + ".");
    }

    static AwsError invalidAttributeValue(String name, String reason) {
        return AwsError.badRequest("InvalidAttributeValue", "Invalid value for the parameter " + name + ". Reason: " + reason);
    }

    static AwsError receiptHandleIsInvalid(String handle) {
        return AwsError.badRequest("ReceiptHandleIsInvalid", "The input receipt handle \"" + handle
                + "\" is not a valid receipt handle.");
    }

    static AwsError receiptHandleExpired(String handle) {
        return invalidValue(handle, "ReceiptHandle", "The receipt handle has expired.");
    }

    static AwsError notInFlight(String handle) {
        return invalidValue(handle, "ReceiptHandle",
                "Message does not exist or is not available for visibility timeout change.");
    }

    static AwsError emptyBatch(String entryName) {
        return new AwsError("AWS.SimpleQueueService.EmptyBatchRequest", "EmptyBatchRequest", 400, true,
                "There should be at least one " + entryName + " in the request.");
    }

    static AwsError tooManyEntries(int n) {
        return new AwsError("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "TooManyEntriesInBatchRequest", 400,
                true, "Maximum number of entries per request are 10. You have sent " + n + ".");
    }

    static AwsError idsNotDistinct(String id) {
        return new AwsError("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "BatchEntryIdsNotDistinct", 400, true,
                "Id " + id + " repeated.");
    }

    static AwsError invalidBatchEntryId() {
        return new AwsError("AWS.SimpleQueueService.InvalidBatchEntryId", "InvalidBatchEntryId", 400, true,
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most"
                        + " 80 letters long.");
    }

    static AwsError batchTooLong(long max, long sent) {
        return new AwsError("AWS.SimpleQueueService.BatchRequestTooLong", "BatchRequestTooLong", 400, true,
                "Batch requests cannot be longer than " + max + " bytes. You have sent " + sent + " bytes.");
    }

    static AwsError purgeInProgress(String queue) {
        return new AwsError("AWS.SimpleQueueService.PurgeQueueInProgress", "PurgeQueueInProgress", 403, true,
                "Only one PurgeQueue operation on " + queue + " is allowed every 60 seconds.");
    }

    static AwsError invalidMessageContents(String message) {
        return AwsError.badRequest("InvalidMessageContents", message);
    }

    static AwsError resourceNotFound(String message) {
        return new AwsError("ResourceNotFoundException", "ResourceNotFoundException", 404, true, message);
    }

    static AwsError invalidAddress(String url) {
        return new AwsError("InvalidAddress", "InvalidAddress", 404, true, "The address " + url
                + " is not valid for this endpoint.");
    }

    static AwsError unsupported(String message) {
        return new AwsError("AWS.SimpleQueueService.UnsupportedOperation", "UnsupportedOperation", 400, true, message);
    }

    /** A core failure in SQS's terms. */
    static AwsError from(BrokerException e, WireProtocol p) {
        return switch (e.code()) {
            case NOT_FOUND -> queueDoesNotExist(p);
            case UNAUTHORIZED, AUTHENTICATION_FAILED -> AwsError.sender("AccessDenied", 403,
                    "Access to the resource is denied. " + e.getMessage());
            case RESOURCE_LIMIT_EXCEEDED -> AwsError.sender("OverLimit", 403, e.getMessage());
            case INVALID_ARGUMENT, PRECONDITION_FAILED -> invalidParameterValue(e.getMessage());
            case RESOURCE_LOCKED, ILLEGAL_STATE -> invalidParameterValue(e.getMessage());
            case UNAVAILABLE, DISK_FULL ->
                    new AwsError("ServiceUnavailable", "ServiceUnavailable", 503, false, e.getMessage());
            case INTERNAL -> new AwsError("InternalError", "InternalError", 500, false, e.getMessage());
        };
    }
}
