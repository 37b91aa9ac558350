package io.ferrymq.core.queue;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A message whose deduplication id was seen within the queue's window is accepted but not enqueued. */
class DeduplicationWindowTest {

    private static Message msg(String body, String dedupId) {
        return Message.builder().deduplicationId(dedupId).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void duplicatesWithinTheWindowAreDroppedAndAcceptedAgainAfterIt() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.admin().declareQueue(QueueDeclaration.durable("fifo").withArguments(Map.of("x-deduplication-window", 300_000L)))
                    .join();
            s.send(Route.queue("fifo"), msg("first", "id-1"), null).join();
            SendResultHolder dup = new SendResultHolder(s.send(Route.queue("fifo"), msg("again", "id-1"), null).join());
            s.send(Route.queue("fifo"), msg("other", "id-2"), null).join();
            s.send(Route.queue("fifo"), msg("no id", null), null).join();
            assertThat(dup.queues()).as("accepted, but routed to no queue").isZero();
            tb.advance(300_001);
            s.send(Route.queue("fifo"), msg("after window", "id-1"), null).join();
            s.consume(Source.queue("fifo"), ConsumeOptions.credit(10)).join();
            assertThat(sink.bodies()).containsExactly("first", "other", "no id", "after window");
        }
    }

    @Test
    void queuesWithoutAWindowDoNotDeduplicate() {
        try (TestBroker tb = TestBroker.start()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("plain"), msg("a", "same"), null).join();
            s.send(Route.queue("plain"), msg("b", "same"), null).join();
            s.consume(Source.queue("plain"), ConsumeOptions.credit(10)).join();
            assertThat(sink.bodies()).containsExactly("a", "b");
        }
    }

    private record SendResultHolder(io.ferrymq.core.api.SendResult result) {
        int queues() {
            return result.queues();
        }
    }
}
