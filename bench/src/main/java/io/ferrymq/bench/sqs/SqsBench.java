package io.ferrymq.bench.sqs;

import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Stamp;
import io.ferrymq.bench.stats.Integrity;
import io.ferrymq.bench.stats.IntegrityAudit;
import io.ferrymq.bench.stats.SequenceTracker;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs one {@link SqsSpec}: creates the run's queue, starts the consumer clients, then the producer clients,
 * lets them run through the warm-up and the measured window, stops the producers, waits (up to the drain timeout)
 * for every accepted message to be received, stops the consumers, deletes the queue and audits what arrived.
 *
 * <p>Every client is a thread with its own {@link SqsClient} (own HTTP connection), calling the synchronous API in
 * a loop with no pause: a producer has one SendMessageBatch in flight at a time, a consumer one ReceiveMessage or
 * DeleteMessageBatch.
 */
public final class SqsBench {

    private final SqsSpec spec;
    private final Supplier<SqsClient> clients;
    private final PrintStream progress;
    private final long progressMillis;
    private final LongSupplier brokerCpuNanos;

    private final SqsCounters counters = new SqsCounters();
    private final DriverErrors errors = new DriverErrors();
    private final WindowLatency sendLatency = new WindowLatency();
    private final WindowLatency receiveLatency = new WindowLatency();
    private final WindowLatency deleteLatency = new WindowLatency();
    private final WindowLatency endToEnd = new WindowLatency();
    private volatile boolean stopProducers;
    private volatile boolean stopConsumers;

    /**
     * @param clients        makes one client per producer and consumer (and one for creating the queue)
     * @param progress       where the once-a-{@code progressMillis} progress line goes; null for none
     * @param brokerCpuNanos the broker's CPU time so far (see {@link io.ferrymq.bench.stats.ProcessCpu}), read at the start and the end of
     *                       the window; null when the broker runs elsewhere
     */
    public SqsBench(SqsSpec spec, Supplier<SqsClient> clients, PrintStream progress, long progressMillis,
                    LongSupplier brokerCpuNanos) {
        this.spec = spec;
        this.clients = clients;
        this.progress = progress;
        this.progressMillis = progressMillis;
        this.brokerCpuNanos = brokerCpuNanos;
    }

    public SqsResult run() throws InterruptedException {
        String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffffL);
        List<SqsClient> opened = new ArrayList<>();
        SqsClient admin = clients.get();
        opened.add(admin);
        List<Producer> producers = new ArrayList<>();
        List<Consumer> consumers = new ArrayList<>();
        List<Thread> producerThreads = new ArrayList<>();
        List<Thread> consumerThreads = new ArrayList<>();
        try {
            String queueUrl = createQueue(admin, spec.queueName(runId));
            // Every client first makes one request that changes nothing (its connection is open and the SDK's
            // code paths are loaded before the clock starts), then all start together.
            CountDownLatch ready = new CountDownLatch(spec.consumers() + spec.producers());
            CountDownLatch go = new CountDownLatch(1);
            for (int j = 0; j < spec.consumers(); j++) {
                SqsClient c = clients.get();
                opened.add(c);
                Consumer consumer = new Consumer(c, queueUrl);
                consumers.add(consumer);
                consumerThreads.add(start("sqs-consumer-" + j, () -> {
                    prime(c, queueUrl, ready, go);
                    consumer.run();
                }));
            }
            for (int k = 0; k < spec.producers(); k++) {
                SqsClient c = clients.get();
                opened.add(c);
                Producer producer = new Producer(k, c, queueUrl, runId);
                producers.add(producer);
                producerThreads.add(start("sqs-producer-" + k, () -> {
                    prime(c, queueUrl, ready, go);
                    producer.run();
                }));
            }
            ready.await();
            go.countDown();

            long start = System.nanoTime();
            long windowStart = start + spec.warmup().toNanos();
            long windowEnd = windowStart + spec.duration().toNanos();
            SqsCounts atStart = null;
            SqsCounts atEnd = null;
            long cpuAtStart = 0;
            long cpuAtEnd = 0;
            SqsCounts previous = SqsCounts.ZERO;
            long previousAt = start;
            long nextTick = start + TimeUnit.MILLISECONDS.toNanos(progressMillis);
            while (atEnd == null) {
                long now = System.nanoTime();
                long wake = Math.min(nextTick, atStart == null ? windowStart : windowEnd);
                if (wake > now) {
                    TimeUnit.NANOSECONDS.sleep(wake - now);
                    now = System.nanoTime();
                }
                if (atStart == null && now >= windowStart) {
                    atStart = counters.snapshot();
                    cpuAtStart = brokerCpu();
                    sendLatency.open();
                    receiveLatency.open();
                    deleteLatency.open();
                    endToEnd.open();
                    windowStart = now;
                    windowEnd = now + spec.duration().toNanos();
                } else if (atStart != null && now >= windowEnd) {
                    atEnd = counters.snapshot();
                    cpuAtEnd = brokerCpu();
                    sendLatency.close();
                    receiveLatency.close();
                    deleteLatency.close();
                    endToEnd.close();
                    windowEnd = now;
                }
                if (now >= nextTick) {
                    if (progress != null) {
                        SqsCounts c = counters.snapshot();
                        printProgress(atStart == null ? "warm-up" : atEnd == null ? "measure" : "done", now - start,
                                c.minus(previous), now - previousAt, c);
                        previous = c;
                        previousAt = now;
                    }
                    nextTick = now + TimeUnit.MILLISECONDS.toNanos(progressMillis);
                }
            }

            stopProducers = true;
            joinAll(producerThreads);
            Map<Integer, Long> sentByProducer = new HashMap<>();
            Map<Integer, BitSet> confirmedByProducer = new HashMap<>();
            for (Producer p : producers) {
                sentByProducer.put(p.index, p.nextSequence);
                confirmedByProducer.put(p.index, p.confirmed);
            }
            List<SequenceTracker> trackers = consumers.stream().map(c -> c.tracker).toList();
            long drainUntil = System.nanoTime() + spec.drainTimeout().toNanos();
            while (spec.consumers() > 0 && System.nanoTime() < drainUntil
                    && IntegrityAudit.group(trackers, sentByProducer, confirmedByProducer).lostConfirmed() > 0) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            stopConsumers = true;
            joinAll(consumerThreads);
            Integrity integrity = spec.consumers() == 0 ? Integrity.NONE
                    : IntegrityAudit.group(trackers, sentByProducer, confirmedByProducer);
            long leftInQueue = messagesInQueue(admin, queueUrl);
            deleteQueue(admin, queueUrl);
            return new SqsResult(spec, runId, queueUrl, (windowEnd - windowStart) / 1e9, atEnd.minus(atStart),
                    counters.snapshot(), sendLatency.close(), receiveLatency.close(), deleteLatency.close(),
                    endToEnd.close(), integrity, leftInQueue,
                    brokerCpuNanos == null || cpuAtStart < 0 || cpuAtEnd < 0 ? -1 : (cpuAtEnd - cpuAtStart) / 1e9,
                    errors.count(), errors.firstFew());
        } finally {
            stopProducers = true;
            stopConsumers = true;
            joinAll(producerThreads);
            joinAll(consumerThreads);
            for (SqsClient c : opened) {
                c.close();
            }
        }
    }

    private long brokerCpu() {
        if (brokerCpuNanos == null) {
            return -1;
        }
        try {
            return brokerCpuNanos.getAsLong();
        } catch (RuntimeException e) {
            errors.report("broker CPU time: " + e.getMessage());
            return -1;
        }
    }

    private String createQueue(SqsClient admin, String name) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        if (spec.fifo()) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        }
        return admin.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    /** ApproximateNumberOfMessages + ApproximateNumberOfMessagesNotVisible; -1 when the broker does not say. */
    private long messagesInQueue(SqsClient admin, String queueUrl) {
        try {
            Map<QueueAttributeName, String> a = admin.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
                    + Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
        } catch (RuntimeException e) {
            errors.report("GetQueueAttributes (after the run): " + describe(e));
            return -1;
        }
    }

    private void deleteQueue(SqsClient admin, String queueUrl) {
        try {
            admin.deleteQueue(b -> b.queueUrl(queueUrl));
        } catch (RuntimeException e) {
            errors.report("DeleteQueue: " + describe(e));
        }
    }

    private void prime(SqsClient client, String queueUrl, CountDownLatch ready, CountDownLatch go) {
        try {
            client.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN));
        } catch (RuntimeException e) {
            errors.report("GetQueueAttributes (before the run): " + describe(e));
        }
        ready.countDown();
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printProgress(String phase, long elapsedNanos, SqsCounts delta, long intervalNanos, SqsCounts total) {
        double s = intervalNanos / 1e9;
        progress.println(String.format(Locale.ROOT,
                "%6.1fs %-7s sent %8.0f msg/s  received %8.0f msg/s  deleted %8.0f msg/s  (totals %d / %d / %d%s)",
                elapsedNanos / 1e9, phase, delta.sent() / s, delta.received() / s, delta.deleted() / s, total.sent(),
                total.received(), total.deleted(), total.requestErrors() > 0 ? ", errors " + total.requestErrors() : ""));
        progress.flush();
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    private void failed(String action, RuntimeException e) {
        counters.requestErrors.increment();
        errors.report(action + ": " + describe(e));
        try {
            Thread.sleep(100); // a broker that refuses everything should not be hammered in a tight loop
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    static String describe(RuntimeException e) {
        if (e instanceof AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode() + " (" + a.statusCode() + "): " + a.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String entryError(BatchResultErrorEntry e) {
        return e.code() + (Boolean.TRUE.equals(e.senderFault()) ? " (sender)" : "") + ": " + e.message();
    }

    /** One producer client: SendMessageBatch in a loop. Entry ids are the batch positions. */
    private final class Producer implements Runnable {

        final int index;
        final SqsClient client;
        final String queueUrl;
        final String runId;
        /** Sequences accepted by the broker; read after the thread ended. */
        final BitSet confirmed = new BitSet();
        /** Sequences 0 .. nextSequence-1 were sent (or attempted); read after the thread ended. */
        long nextSequence;

        Producer(int index, SqsClient client, String queueUrl, String runId) {
            this.index = index;
            this.client = client;
            this.queueUrl = queueUrl;
            this.runId = runId;
        }

        @Override
        public void run() {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(spec.batchSize());
            while (!stopProducers) {
                entries.clear();
                long first = nextSequence;
                long now = System.nanoTime();
                for (int i = 0; i < spec.batchSize(); i++) {
                    long seq = nextSequence++;
                    SendMessageBatchRequestEntry.Builder e = SendMessageBatchRequestEntry.builder()
                            .id(Integer.toString(i)).messageBody(SqsStamp.encode(index, seq, now, spec.messageSize()));
                    if (spec.fifo()) {
                        e.messageGroupId("p" + index + "-g" + (seq % spec.fifoGroups()))
                                .messageDeduplicationId(runId + "-" + index + "-" + seq);
                    }
                    entries.add(e.build());
                }
                SendMessageBatchResponse response;
                try {
                    response = client.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                } catch (RuntimeException e) {
                    failed("SendMessageBatch", e);
                    continue;
                }
                sendLatency.recordNanos(System.nanoTime() - now);
                counters.sendRequests.increment();
                for (SendMessageBatchResultEntry ok : response.successful()) {
                    confirmed.set((int) (first + Integer.parseInt(ok.id())));
                }
                counters.sent.add(response.successful().size());
                if (!response.failed().isEmpty()) {
                    counters.sendFailed.add(response.failed().size());
                    for (BatchResultErrorEntry f : response.failed()) {
                        errors.report("SendMessageBatch entry: " + entryError(f));
                    }
                }
            }
        }
    }

    /** One consumer client: ReceiveMessage, then DeleteMessageBatch of what came, in a loop. */
    private final class Consumer implements Runnable {

        final SqsClient client;
        final ReceiveMessageRequest receive;
        final String queueUrl;
        final SequenceTracker tracker = new SequenceTracker();

        Consumer(SqsClient client, String queueUrl) {
            this.client = client;
            this.queueUrl = queueUrl;
            this.receive = ReceiveMessageRequest.builder().queueUrl(queueUrl).maxNumberOfMessages(spec.maxMessages())
                    .waitTimeSeconds(spec.waitTimeSeconds()).build();
        }

        @Override
        public void run() {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(spec.maxMessages());
            while (!stopConsumers) {
                long t0 = System.nanoTime();
                List<Message> messages;
                try {
                    messages = client.receiveMessage(receive).messages();
                } catch (RuntimeException e) {
                    failed("ReceiveMessage", e);
                    continue;
                }
                long t1 = System.nanoTime();
                receiveLatency.recordNanos(t1 - t0);
                counters.receiveRequests.increment();
                if (messages.isEmpty()) {
                    counters.emptyReceives.increment();
                    continue;
                }
                entries.clear();
                for (int i = 0; i < messages.size(); i++) {
                    Message m = messages.get(i);
                    Stamp s = SqsStamp.decode(m.body());
                    if (s == null) {
                        tracker.recordUnstamped();
                    } else {
                        tracker.record(s.producer(), s.sequence());
                        endToEnd.recordNanos(t1 - s.sentNanos());
                    }
                    entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(m.receiptHandle()).build());
                }
                counters.received.add(messages.size());
                DeleteMessageBatchResponse deleted;
                long t2 = System.nanoTime();
                try {
                    deleted = client.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                } catch (RuntimeException e) {
                    failed("DeleteMessageBatch", e);
                    continue;
                }
                deleteLatency.recordNanos(System.nanoTime() - t2);
                counters.deleteRequests.increment();
                counters.deleted.add(deleted.successful().size());
                if (!deleted.failed().isEmpty()) {
                    counters.deleteFailed.add(deleted.failed().size());
                    for (BatchResultErrorEntry f : deleted.failed()) {
                        errors.report("DeleteMessageBatch entry: " + entryError(f));
                    }
                }
            }
        }
    }
}
