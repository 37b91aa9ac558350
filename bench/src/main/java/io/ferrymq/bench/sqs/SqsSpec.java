package io.ferrymq.bench.sqs;

import java.time.Duration;
import java.util.Locale;

/**
 * One SQS load: {@code producers} clients each looping SendMessageBatch of {@code batchSize} messages, and
 * {@code consumers} clients each looping ReceiveMessage (up to {@code maxMessages}, long polling
 * {@code waitTimeSeconds}) followed by DeleteMessageBatch of what it received, all on one queue created for
 * the run.
 *
 * @param queueName    base name; the run appends a random id (and {@code .fifo} for a FIFO queue)
 * @param fifoGroups   FIFO only: message groups per producer (a group's next message waits until the previous one
 *                     is deleted, so the groups bound the parallelism)
 * @param drainTimeout after the window: how long to wait for messages still on their way
 */
public record SqsSpec(int producers, int consumers, int batchSize, int messageSize, boolean fifo, int fifoGroups,
                      String queueName, int maxMessages, int waitTimeSeconds, Duration warmup, Duration duration,
                      Duration drainTimeout) {

    /** The largest SQS message AWS accepts today (and FerryMQ's default limit). */
    public static final int MAX_MESSAGE_SIZE = 1024 * 1024;

    public SqsSpec {
        require(producers >= 1, "--producers must be at least 1");
        require(consumers >= 0, "--consumers must not be negative");
        require(batchSize >= 1 && batchSize <= 10, "--batch must be 1 to 10 (SQS allows at most 10 entries)");
        require(maxMessages >= 1 && maxMessages <= 10, "--max-messages must be 1 to 10");
        require(waitTimeSeconds >= 0 && waitTimeSeconds <= 20, "--wait-time must be 0 to 20 seconds");
        require(messageSize >= 1 && messageSize <= MAX_MESSAGE_SIZE, "--size must be 1 to " + MAX_MESSAGE_SIZE);
        require(fifoGroups >= 1, "--fifo-groups must be at least 1");
        require(queueName != null && queueName.matches("[A-Za-z0-9_-]{1,60}"),
                "--queue-name must be 1 to 60 letters, digits, '-' or '_'");
        require(!warmup.isNegative(), "--warmup must not be negative");
        require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
        require(!drainTimeout.isNegative(), "--drain-timeout must not be negative");
    }

    public static SqsSpec defaults() {
        return new SqsSpec(10, 10, 10, 1024, false, 100, "ferrymq-bench", 10, 1, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** The queue's name for run {@code runId}. */
    public String queueName(String runId) {
        return queueName + "-" + runId + (fifo ? ".fifo" : "");
    }

    /**
     * A short description, the key of the side-by-side ratio line: {@code sqs batch 10 clients},
     * {@code sqs fifo batch 10 clients}, {@code sqs batch of 5 4x2 clients 256 B}.
     */
    public String label() {
        StringBuilder b = new StringBuilder("sqs");
        if (fifo) {
            b.append(" fifo");
        }
        b.append(" batch ");
        if (batchSize != 10) {
            b.append("of ").append(batchSize).append(' ');
        }
        b.append(producers == consumers ? Integer.toString(producers) : producers + "x" + consumers).append(" clients");
        if (messageSize != 1024) {
            b.append(' ').append(messageSize).append(" B");
        }
        return b.toString();
    }

    /** A file-name friendly form of {@link #label()}: {@code sqs-batch-10-10x10-1024b}. */
    public String scenarioName() {
        return String.format(Locale.ROOT, "sqs-%sbatch-%d-%dx%d-%db", fifo ? "fifo-" : "", batchSize, producers, consumers,
                messageSize);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
