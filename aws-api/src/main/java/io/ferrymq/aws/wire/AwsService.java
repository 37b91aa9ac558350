package io.ferrymq.aws.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletableFuture;

/** One AWS service (SQS, SNS) behind the endpoint: actions by name, JSON in, JSON out. */
public interface AwsService {

    /** The signing name, as in a SigV4 credential scope ({@code sqs}, {@code sns}). */
    String signingName();

    /** The Query protocol's API version ({@code 2012-11-05} for SQS). */
    String apiVersion();

    String xmlNamespace();

    boolean hasAction(String action);

    /** The XML element of batch results' {@code Successful} entries, or null. */
    default String successfulElement(String action) {
        return null;
    }

    /** The Query/XML output shapes; none for a JSON-only service (Kinesis, Firehose). */
    default java.util.Map<String, XmlOutput.Shape> xmlShapes() {
        return java.util.Map.of();
    }

    /** The Query input rules; none for a JSON-only service. */
    default java.util.Map<String, QueryInput.Rule> queryRules() {
        return java.util.Map.of();
    }

    /**
     * Runs an action. The result is the JSON protocol's output shape (null for actions without output);
     * failures are {@link AwsError}s (others become InternalError).
     */
    CompletableFuture<JsonNode> handle(String action, JsonNode input, RequestContext ctx);

    /** Whether an action may be called without credentials (SNS's SubscribeURL and UnsubscribeURL). */
    default boolean anonymous(String action, AwsRequest request) {
        return false;
    }

    /** A plain HTTP resource this service serves (SNS's signing certificate), or null. */
    default AwsResponse resource(AwsRequest request) {
        return null;
    }

    /** The error for a core exception in this service's terms. */
    AwsError translate(Throwable t);

    /**
     * The {@code X-Amz-Target} prefix of this service's JSON actions ({@code Kinesis_20131202}), or null for
     * a service the endpoint recognises otherwise.
     */
    default String jsonTargetPrefix() {
        return null;
    }

    /** The content type of this service's JSON answers. */
    default String jsonContentType() {
        return "application/x-amz-json-1.0";
    }

    /**
     * Whether JSON errors carry the bare type name in {@code __type} (and {@code x-amzn-ErrorType}), as
     * Kinesis sends them, rather than SQS's namespaced type with the {@code x-amzn-query-error} header.
     */
    default boolean bareErrorTypes() {
        return false;
    }

    /**
     * The action if it answers with an event stream rather than one document (Kinesis SubscribeToShard), or
     * null. Its future fails with an {@link AwsError} (answered as usual) before anything is streamed; once it
     * has sent to the sink it answers there only.
     */
    default EventStreamAction eventStreamAction(String action) {
        return null;
    }

    /** An action whose answer is an event stream. */
    interface EventStreamAction {
        CompletableFuture<Void> start(JsonNode input, RequestContext ctx, EventStreamSink sink);
    }
}
