package io.ferrymq.core.memory;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.paging.PagingService;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A queue nobody consumes, filled past the broker's memory limit, pages its own backlog; it does not
 * send the messages of queues that have consumers to disk and leave them there until it is drained.
 */
class QueueBacklogDoesNotStallOtherQueuesTest {

    private static final int BODY = 1024;
    private static final long LIMIT = 64 * 1024;

    private static TestBroker broker(Path dir) {
        return TestBroker.builder()
                .storage(Journal.open(JournalOptions.defaults(dir.resolve("journal")).withSegmentSize(1024 * 1024)))
                .paging(new PagingService(dir.resolve("paging"), 256 * 1024))
                .memoryLimit(LIMIT)
                .build();
    }

    private static Message message(int i) {
        return Message.builder().durable(true).property("n", i).body(new byte[BODY]).build();
    }

    private static void fill(Session producer, String queue, int from, int count) {
        for (int i = from; i < from + count; i++) {
            producer.send(Route.queue(queue), message(i), null).join();
        }
    }

    @Test
    void aConsumerKeepsReceivingPromptlyWhileAnotherQueueFillsTheMemory(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            Session producer = tb.session(new RecordingSink());
            RecordingSink sink = new RecordingSink();
            Session consumer = tb.session(sink);
            producer.admin().declareQueue(QueueDeclaration.durable("live")).join();
            Subscription sub = consumer.consume(Source.queue("live"), ConsumeOptions.credit(10)).join();

            fill(producer, "nocons", 0, 300);
            assertThat(tb.stats("nocons").paged()).as("the backlog went to page files").isPositive();
            assertThat(tb.broker().memory().exhausted()).as("the backlog filled the memory").isTrue();

            for (int i = 0; i < 50; i++) {
                fill(producer, "nocons", 300 + 5 * i, 5);
                producer.send(Route.queue("live"), message(i), null).join();
                int expected = i;
                await("live message " + expected + " is delivered").atMost(10, TimeUnit.SECONDS).until(() ->
                        sink.deliveries().stream().anyMatch(d -> (Integer) d.message().property("n") == expected));
                for (Delivery d : sink.take()) {
                    consumer.settle(d, Outcome.ACCEPT, null).join();
                    sub.credit(1);
                }
            }
            assertThat(tb.stats("nocons").total()).isEqualTo(550);
            assertThat(tb.broker().memory().used()).as("the broker stays within its limit and reserve")
                    .isLessThanOrEqualTo(LIMIT + LIMIT / 4 + 2 * (BODY + 512));
        }
    }

    @Test
    void aQueueWithPagedMessagesReadsThemBackForItsConsumerWhileAnotherQueueFillsTheMemory(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            Session producer = tb.session(new RecordingSink());
            fill(producer, "nocons", 0, 300);
            fill(producer, "live", 0, 300);
            assertThat(tb.stats("live").paged()).as("live's own backlog is past its share").isPositive();

            RecordingSink sink = new RecordingSink();
            Session consumer = tb.session(sink);
            Subscription sub = consumer.consume(Source.queue("live"), ConsumeOptions.credit(20)).join();
            List<Integer> seen = new ArrayList<>();
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                for (Delivery d : sink.take()) {
                    seen.add((Integer) d.message().property("n"));
                    consumer.settle(d, Outcome.ACCEPT, null).join();
                    sub.credit(1);
                }
                return seen.size() >= 300;
            });
            assertThat(seen).containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
            assertThat(tb.stats("nocons").total()).as("the other backlog is untouched").isEqualTo(300);
        }
    }

    @Test
    void aConsumerOfAnotherQueueIsServedWhileAStalledConsumerHoldsTheMemoryInFlight(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            Session producer = tb.session(new RecordingSink());
            RecordingSink stalledSink = new RecordingSink();
            Session stalled = tb.session(stalledSink);
            producer.admin().declareQueue(QueueDeclaration.durable("stalled")).join();
            stalled.consume(Source.queue("stalled"), ConsumeOptions.credit(10_000)).join();
            // Delivered and never settled: these stay in memory, and push the broker past its reserve.
            fill(producer, "stalled", 0, 200);
            await().atMost(30, TimeUnit.SECONDS).until(() -> tb.broker().memory().used() > LIMIT + LIMIT / 4);

            RecordingSink sink = new RecordingSink();
            Session consumer = tb.session(sink);
            producer.admin().declareQueue(QueueDeclaration.durable("fresh")).join();
            Subscription sub = consumer.consume(Source.queue("fresh"), ConsumeOptions.credit(5)).join();
            for (int i = 0; i < 20; i++) {
                producer.send(Route.queue("fresh"), message(i), null).join();
                int expected = i;
                await("fresh message " + expected + " is delivered").atMost(10, TimeUnit.SECONDS).until(() ->
                        sink.deliveries().stream().anyMatch(d -> (Integer) d.message().property("n") == expected));
                for (Delivery d : sink.take()) {
                    consumer.settle(d, Outcome.ACCEPT, null).join();
                    sub.credit(1);
                }
            }
            assertThat(tb.stats("stalled").inFlight()).as("the stalled consumer still holds its messages").isPositive();
        }
    }
}
