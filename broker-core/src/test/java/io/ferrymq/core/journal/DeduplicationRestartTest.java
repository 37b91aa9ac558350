package io.ferrymq.core.journal;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.SendResult;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A durable queue's deduplication window outlives a restart: a producer that resends after the broker came
 * back (SQS FIFO's five minutes) does not get its message in twice. Ids that left the window leave the journal.
 */
class DeduplicationRestartTest {

    private static final long WINDOW = 300_000;

    private static TestBroker broker(Path dir) {
        return broker(dir, 1_000_000L);
    }

    /** A broker over the journal in {@code dir} whose clock starts at {@code nowMillis}. */
    private static TestBroker broker(Path dir, long nowMillis) {
        return TestBroker.builder()
                .storage(Journal.open(JournalOptions.defaults(dir).withSegmentSize(256 * 1024)))
                .startingAt(nowMillis)
                .build();
    }

    private static Message msg(String body, String dedupId) {
        return Message.builder().durable(true).deduplicationId(dedupId).body(body.getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static Session withQueue(TestBroker tb, RecordingSink sink) {
        Session s = tb.session(sink);
        s.admin().declareQueue(QueueDeclaration.durable("fifo").withArguments(Map.of("x-deduplication-window", WINDOW)))
                .join();
        return s;
    }

    @Test
    void aResendAfterARestartWithinTheWindowIsADuplicate(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            RecordingSink sink = new RecordingSink();
            Session s = withQueue(tb, sink);
            s.send(Route.queue("fifo"), msg("order", "order-1"), null).join();
            s.consume(Source.queue("fifo"), ConsumeOptions.credit(10)).join();
            s.settle(sink.find("order"), Outcome.ACCEPT, null).join();
            assertThat(tb.stats("fifo").total()).isZero();
        }
        try (TestBroker tb = broker(dir)) {
            Session s = withQueue(tb, new RecordingSink());
            SendResult resent = s.send(Route.queue("fifo"), msg("order again", "order-1"), null).join();
            assertThat(resent.queues()).as("accepted as a duplicate, enqueued nowhere").isZero();
            assertThat(tb.stats("fifo").total()).isZero();

            tb.advance(WINDOW + 1);
            assertThat(s.send(Route.queue("fifo"), msg("a new order", "order-1"), null).join().queues()).isEqualTo(1);
            assertThat(tb.stats("fifo").ready()).isEqualTo(1);
        }
    }

    @Test
    void idsThatLeftTheWindowLeaveTheJournal(@TempDir Path dir) {
        long start = 1_000_000L;
        try (TestBroker tb = broker(dir, start)) {
            Session s = withQueue(tb, new RecordingSink());
            s.send(Route.queue("fifo"), msg("old", "old-id"), null).join();
            tb.advance(WINDOW + 1);
            // Arrivals evict what has expired.
            s.send(Route.queue("fifo"), msg("new", "new-id"), null).join();
        }
        assertThat(deduplicationKeys(dir)).hasSize(1).allMatch(k -> k.endsWith("/new-id"));

        long later = start + 3 * WINDOW;
        try (TestBroker tb = broker(dir, later)) {
            Session s = withQueue(tb, new RecordingSink());
            assertThat(s.send(Route.queue("fifo"), msg("new again", "new-id"), null).join().queues())
                    .as("new-id left its window while the broker was down").isEqualTo(1);
        }
        assertThat(deduplicationKeys(dir)).as("only the record the last send wrote").hasSize(1);

        try (TestBroker tb = broker(dir, later + 2 * WINDOW)) {
            assertThat(tb.stats("fifo").ready()).isEqualTo(3);
        }
        assertThat(deduplicationKeys(dir)).as("recovery dropped the expired record").isEmpty();
    }

    @Test
    void queuesWithoutAWindowWriteNoDeduplicationRecords(@TempDir Path dir) {
        try (TestBroker tb = broker(dir)) {
            Session s = tb.session(new RecordingSink());
            s.send(Route.queue("plain"), msg("a", "same"), null).join();
            s.send(Route.queue("plain"), msg("b", "same"), null).join();
            assertThat(tb.stats("plain").ready()).isEqualTo(2);
        }
        assertThat(deduplicationKeys(dir)).isEmpty();
    }

    /** The deduplication keys the journal in {@code dir} holds, read with a journal of its own. */
    private static List<String> deduplicationKeys(Path dir) {
        try (Journal j = Journal.open(JournalOptions.defaults(dir).withSegmentSize(256 * 1024))) {
            String prefix = Queue.DEDUPLICATION_STATE + "/";
            return RecoveredState.of(j).state.keySet().stream().filter(k -> k.startsWith(prefix))
                    .map(k -> k.substring(prefix.length())).toList();
        }
    }
}
