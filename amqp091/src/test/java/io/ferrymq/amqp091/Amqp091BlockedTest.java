package io.ferrymq.amqp091;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** connection.blocked and unblocked: a producer past the broker's memory limit is told, and held back, until memory is free. */
class Amqp091BlockedTest {

    @Test
    void aProducerPastTheMemoryLimitIsBlockedAndUnblockedWhenMemoryIsFree() throws Exception {
        long limit = 1024 * 1024;
        try (EmbeddedAmqp091Broker b = EmbeddedAmqp091Broker.builder().memoryLimit(limit).start();
             Connection producer = b.factory().newConnection();
             Connection admin = b.factory().newConnection()) {
            List<String> events = new CopyOnWriteArrayList<>();
            producer.addBlockedListener(new BlockedListener() {
                @Override
                public void handleBlocked(String reason) {
                    events.add("blocked: " + reason);
                }

                @Override
                public void handleUnblocked() {
                    events.add("unblocked");
                }
            });
            Channel ch = producer.createChannel();
            String q = "memory-" + System.nanoTime();
            ch.queueDeclare(q, false, false, false, null);
            byte[] body = new byte[64 * 1024];
            for (int i = 0; i < 20; i++) {
                ch.basicPublish("", q, null, body);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("blocked: low on memory"));

            int purged = admin.createChannel().queuePurge(q).getMessageCount();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("unblocked"));
            assertThat(events).containsExactly("blocked: low on memory", "unblocked");
            // Nothing was lost: what the broker held back while blocked arrives once it reads again.
            ch.basicPublish("", q, null, new byte[10]);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> purged + ch.queueDeclarePassive(q).getMessageCount() == 21);
        }
    }
}
