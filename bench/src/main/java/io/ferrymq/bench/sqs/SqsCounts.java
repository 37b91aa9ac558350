package io.ferrymq.bench.sqs;

/**
 * Counts of an SQS run at one instant (or, from {@link #minus}, over an interval). Messages are batch entries,
 * requests are HTTP requests.
 *
 * @param sent            SendMessageBatch entries the broker accepted
 * @param sendFailed      entries it refused (in the response's Failed list)
 * @param sendRequests    SendMessageBatch requests answered (successfully or with partial failures)
 * @param received        messages ReceiveMessage returned
 * @param receiveRequests ReceiveMessage requests answered
 * @param emptyReceives   of those, the ones that returned no message (the long poll ran out)
 * @param deleted         DeleteMessageBatch entries the broker confirmed
 * @param deleteFailed    entries it refused
 * @param deleteRequests  DeleteMessageBatch requests answered
 * @param requestErrors   requests of any action that failed as a whole (exception, error response)
 */
public record SqsCounts(long sent, long sendFailed, long sendRequests, long received, long receiveRequests,
                        long emptyReceives, long deleted, long deleteFailed, long deleteRequests, long requestErrors) {

    public static final SqsCounts ZERO = new SqsCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** What happened between {@code earlier} and this. */
    public SqsCounts minus(SqsCounts earlier) {
        return new SqsCounts(sent - earlier.sent, sendFailed - earlier.sendFailed, sendRequests - earlier.sendRequests,
                received - earlier.received, receiveRequests - earlier.receiveRequests,
                emptyReceives - earlier.emptyReceives, deleted - earlier.deleted, deleteFailed - earlier.deleteFailed,
                deleteRequests - earlier.deleteRequests, requestErrors - earlier.requestErrors);
    }

    /** Messages per SendMessageBatch request (the effective batch size); 0 without requests. */
    public double sentPerRequest() {
        return sendRequests == 0 ? 0 : (double) sent / sendRequests;
    }

    /** Messages per non-empty ReceiveMessage; 0 without any. */
    public double receivedPerRequest() {
        long nonEmpty = receiveRequests - emptyReceives;
        return nonEmpty <= 0 ? 0 : (double) received / nonEmpty;
    }
}
