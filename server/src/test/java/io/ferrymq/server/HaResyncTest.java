package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standby that starts empty beside an active holding 100,000 persistent messages catches up while a producer
 * keeps sending, then takes over with every confirmed message. Logs how long the resync took.
 */
@Tag("system")
class HaResyncTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaResyncTest.class);
    private static final int BACKLOG = 100_000;

    @TempDir
    Path dir;

    /** Sends {@code count} persistent messages pipelined (at most 1,000 unconfirmed), adding each confirmed one. */
    private static void sendPipelined(int amqpPort, String queueName, int count, Set<String> confirmed)
            throws InterruptedException {
        JmsConnectionFactory factory = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + amqpPort);
        Semaphore window = new Semaphore(1000);
        AtomicInteger failed = new AtomicInteger();
        try (JMSContext jms = factory.createContext()) {
            Queue queue = jms.createQueue(queueName);
            for (int i = 0; i < count; i++) {
                String body = "backlog-" + i;
                window.acquire();
                JMSProducer p = jms.createProducer().setAsync(new CompletionListener() {
                    @Override
                    public void onCompletion(Message message) {
                        confirmed.add(body);
                        window.release();
                    }

                    @Override
                    public void onException(Message message, Exception exception) {
                        failed.incrementAndGet();
                        window.release();
                    }
                });
                p.send(queue, body);
            }
            assertThat(window.tryAcquire(1000, WAIT.toSeconds(), TimeUnit.SECONDS)).as("every send settled").isTrue();
        }
        assertThat(failed).hasValue(0);
    }

    @Test
    void emptyStandbyCatchesUpWithAHundredThousandMessagesWhileProducersSendThenTakesOverWithAll() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir)) {
            pair.nodeA.start();
            await().atMost(WAIT).until(() -> pair.nodeA.role() == HaNode.Role.ACTIVE);
            Set<String> confirmed = ConcurrentHashMap.newKeySet();
            long t0 = System.nanoTime();
            sendPipelined(pair.a.port("amqp"), "backlog", BACKLOG, confirmed);
            LOG.info("{} persistent messages confirmed by the active alone in {} ms", BACKLOG,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger liveFailures = new AtomicInteger();
            JmsConnectionFactory failover = new JmsConnectionFactory("guest", "guest", "failover:(amqp://127.0.0.1:"
                    + pair.a.port("amqp") + ",amqp://127.0.0.1:" + pair.b.port("amqp")
                    + ")?failover.initialReconnectDelay=20&failover.reconnectDelay=100&failover.useReconnectBackOff=false");
            Thread live = new Thread(() -> {
                try (JMSContext jms = failover.createContext()) {
                    Queue queue = jms.createQueue("backlog");
                    for (int i = 0; !stop.get(); i++) {
                        String body = "live-" + i;
                        try {
                            jms.createProducer().send(queue, body);
                            confirmed.add(body);
                        } catch (RuntimeException e) {
                            liveFailures.incrementAndGet();
                        }
                    }
                }
            }, "live-producer");
            live.start();

            long resyncStart = System.nanoTime();
            pair.nodeB.start();
            await().atMost(WAIT.multipliedBy(3)).until(() -> String.valueOf(pair.nodeA.status().standby())
                    .contains("node-b in sync"));
            long resyncMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resyncStart);
            int duringResync = (int) confirmed.stream().filter(b -> b.startsWith("live-")).count();
            // Not asserted here (HaResyncKeepsServingTest asserts it): how many live sends get through depends on the
            // machine; the active confirms them alone until the standby has the snapshot and the tail.
            LOG.info("Resync: the empty standby was in sync {} ms after it started ({} messages on the active; {} live"
                    + " sends confirmed meanwhile)", resyncMillis, BACKLOG + duringResync, duringResync);

            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + 100);
            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);
            int afterFailover = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= afterFailover + 100);
            stop.set(true);
            live.join(WAIT.toMillis());

            Set<String> received = new HashSet<>();
            JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + pair.b.port("amqp"));
            try (JMSContext jms = onB.createContext(JMSContext.DUPS_OK_ACKNOWLEDGE);
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue("backlog"))) {
                Message m;
                while ((m = consumer.receive(10_000)) != null) {
                    received.add(((TextMessage) m).getText());
                }
            }
            LOG.info("After the failover: {} confirmed, {} distinct received, {} live sends failed", confirmed.size(),
                    received.size(), liveFailures.get());
            Set<String> missing = new HashSet<>(confirmed);
            missing.removeAll(received);
            assertThat(missing).as("confirmed but not received").isEmpty();
        }
    }
}
