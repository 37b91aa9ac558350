package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import jakarta.jms.CompletionListener;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
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
 * A standby that starts empty beside an active holding tens of thousands of persistent messages must not stall
 * the active: live sends go on being confirmed (by the active alone, as while it has no standby) until the
 * standby has caught up, and after a failover every confirmed message is on the new active. About a minute on a
 * busy 2-core machine, most of it loading the backlog: system profile.
 */
@Tag("system")
class HaResyncKeepsServingTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaResyncKeepsServingTest.class);
    private static final int BACKLOG = 30_000;
    private static final String PADDING = "x".repeat(1024);
    /** Live sends confirmed while the standby was still catching up; the old code confirmed a handful. */
    private static final int CONFIRMED_DURING_RESYNC = 200;

    @TempDir
    Path dir;

    /** Sends persistent messages, at most {@code window} unconfirmed, until {@code stop}; records each confirmed one. */
    private static void send(JmsConnectionFactory factory, String prefix, int count, int window, AtomicBoolean stop,
                             Set<String> confirmed, Runnable onConfirm, AtomicInteger failed) throws InterruptedException {
        Semaphore inFlight = new Semaphore(window);
        try (JMSContext jms = factory.createContext()) {
            Queue queue = jms.createQueue("backlog");
            for (int i = 0; i < count && !stop.get(); i++) {
                String body = prefix + i + " " + PADDING;
                inFlight.acquire();
                jms.createProducer().setAsync(new CompletionListener() {
                    @Override
                    public void onCompletion(Message message) {
                        confirmed.add(body);
                        onConfirm.run();
                        inFlight.release();
                    }

                    @Override
                    public void onException(Message message, Exception exception) {
                        failed.incrementAndGet();
                        inFlight.release();
                    }
                }).send(queue, body);
            }
            assertThat(inFlight.tryAcquire(window, WAIT.toSeconds(), TimeUnit.SECONDS)).as("every send settled").isTrue();
        }
    }

    private static boolean catchingUp(HaNode active) {
        return String.valueOf(active.status().standby()).contains("catching up");
    }

    @Test
    void liveSendsAreConfirmedWhileTheStandbyCatchesUpAndNoneIsLostAtTheFailover() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir)) {
            pair.nodeA.start();
            await().atMost(WAIT).until(() -> pair.nodeA.role() == HaNode.Role.ACTIVE);
            Set<String> confirmed = ConcurrentHashMap.newKeySet();
            AtomicInteger failed = new AtomicInteger();
            long t0 = System.nanoTime();
            send(new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + pair.a.port("amqp")), "backlog-",
                    BACKLOG, 1000, new AtomicBoolean(), confirmed, () -> { }, failed);
            assertThat(failed).hasValue(0);
            LOG.info("{} persistent messages of 1 KiB confirmed by the active alone in {} ms", BACKLOG,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger duringResync = new AtomicInteger();
            AtomicInteger liveFailures = new AtomicInteger();
            JmsConnectionFactory failover = new JmsConnectionFactory("guest", "guest", "failover:(amqp://127.0.0.1:"
                    + pair.a.port("amqp") + ",amqp://127.0.0.1:" + pair.b.port("amqp")
                    + ")?failover.initialReconnectDelay=20&failover.reconnectDelay=100&failover.useReconnectBackOff=false");
            Thread live = new Thread(() -> {
                try {
                    send(failover, "live-", Integer.MAX_VALUE, 20, stop, confirmed, () -> {
                        if (catchingUp(pair.nodeA)) {
                            duringResync.incrementAndGet();
                        }
                    }, liveFailures);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "live-producer");
            live.start();

            long resyncStart = System.nanoTime();
            pair.nodeB.start();
            await().atMost(WAIT.multipliedBy(3)).until(() -> String.valueOf(pair.nodeA.status().standby())
                    .contains("node-b in sync"));
            long resyncMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resyncStart);
            LOG.info("Resync: the empty standby was in sync {} ms after it started; {} live sends were confirmed while"
                    + " it caught up", resyncMillis, duringResync.get());
            assertThat(duringResync.get()).as("live sends confirmed while the standby caught up (in %d ms)", resyncMillis)
                    .isGreaterThanOrEqualTo(CONFIRMED_DURING_RESYNC);

            int before = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= before + 100);
            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);
            int afterFailover = confirmed.size();
            await().atMost(WAIT).until(() -> confirmed.size() >= afterFailover + 100);
            stop.set(true);
            live.join(WAIT.toMillis());

            Set<String> received = new HashSet<>();
            JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + pair.b.port("amqp"));
            try (JMSContext jms = onB.createContext(JMSContext.DUPS_OK_ACKNOWLEDGE);
                 JMSConsumer consumer = jms.createConsumer(jms.createQueue("backlog"))) {
                Message m;
                while ((m = consumer.receive(5_000)) != null) {
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
