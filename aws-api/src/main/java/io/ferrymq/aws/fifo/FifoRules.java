package io.ferrymq.aws.fifo;

import io.ferrymq.aws.auth.SigV4;

import java.util.regex.Pattern;

/**
 * The message group and deduplication rules that SQS FIFO queues and SNS FIFO topics share: which ids a
 * message must, may or must not carry, what they may contain, and content-based deduplication. Each service
 * words the refusals its own way ({@link Refusals}); the rules themselves live only here.
 */
public final class FifoRules {

    /** How long a deduplication id (or a receive attempt id) is remembered. */
    public static final long DEDUPLICATION_WINDOW_MILLIS = 300_000;

    private static final Pattern ID = Pattern.compile("[\\p{Alnum}\\p{Punct}]{1,128}");

    /** The errors of one service for each broken rule. */
    public interface Refusals {

        /** An id given with characters other than alphanumerics and punctuation, or not 1 to 128 long. */
        RuntimeException malformed(String parameter, String value);

        /** A FIFO message without a MessageGroupId. */
        RuntimeException groupIdMissing();

        /** A FIFO message without a MessageDeduplicationId, where content-based deduplication is off. */
        RuntimeException deduplicationIdMissing();

        /** A MessageDeduplicationId on a standard queue or topic. */
        RuntimeException deduplicationIdNotAllowed(String value);
    }

    /**
     * The ids a message carries after the rules.
     *
     * @param groupId         as given (standard queues and topics may carry one too)
     * @param deduplicationId as given, or the body's SHA-256 under content-based deduplication; null on
     *                        standard queues and topics
     */
    public record Ids(String groupId, String deduplicationId) {

        /**
         * The key duplicates are found by: the deduplication id, or the group and the id when deduplication
         * is scoped to the message group.
         */
        public String deduplicationKey(boolean perGroup) {
            return perGroup ? groupId + "\u0000" + deduplicationId : deduplicationId;
        }
    }

    private FifoRules() {
    }

    /** Whether an id (group, deduplication, receive attempt) is 1 to 128 alphanumerics and punctuation. */
    public static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Applies the rules to the ids a request gave.
     *
     * @param fifo         whether the queue or topic is FIFO
     * @param contentBased whether it has ContentBasedDeduplication on
     * @param body         what content-based deduplication hashes
     * @throws RuntimeException the refusal for the first rule broken, given ids' format first
     */
    public static Ids apply(boolean fifo, boolean contentBased, String groupId, String deduplicationId, String body,
                            Refusals refusals) {
        if (groupId != null && !validId(groupId)) {
            throw refusals.malformed("MessageGroupId", groupId);
        }
        if (deduplicationId != null && !validId(deduplicationId)) {
            throw refusals.malformed("MessageDeduplicationId", deduplicationId);
        }
        if (!fifo) {
            if (deduplicationId != null) {
                throw refusals.deduplicationIdNotAllowed(deduplicationId);
            }
            return new Ids(groupId, null);
        }
        if (groupId == null) {
            throw refusals.groupIdMissing();
        }
        if (deduplicationId == null) {
            if (!contentBased) {
                throw refusals.deduplicationIdMissing();
            }
            return new Ids(groupId, SigV4.sha256Hex(body));
        }
        return new Ids(groupId, deduplicationId);
    }
}
