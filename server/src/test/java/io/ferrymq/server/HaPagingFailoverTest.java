package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pair whose brokers have a small memory limit pages thousands of persistent messages; the standby holds the
 * same page files, so after the active goes away the new active delivers every confirmed message, paged ones
 * included, in order per producer.
 */
class HaPagingFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(HaPagingFailoverTest.class);
    private static final int PRODUCERS = 2;
    private static final int PER_PRODUCER = 3_000;
    private static final String PADDING = "x".repeat(1024);

    @TempDir
    Path dir;

    private static long pageFiles(Path paging) throws IOException {
        if (!Files.isDirectory(paging)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(paging)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pg")).count();
        }
    }

    /**
     * Sends {@code PER_PRODUCER} persistent messages over STOMP, at most 64 without a receipt, and records each
     * one receipted. (STOMP, as in {@code PagingProcessTest}: an AMQP producer gets no link credit while the
     * broker's memory is full, so it would be held back rather than paged.)
     */
    private static void produce(int stompPort, int producer, Set<String> confirmed) throws Exception {
        try (Socket s = PagingProcessTest.connect(stompPort)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            InputStream in = new BufferedInputStream(s.getInputStream());
            Semaphore window = new Semaphore(64);
            AtomicReference<String> failure = new AtomicReference<>();
            Thread receipts = new Thread(() -> {
                try {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        String f = PagingProcessTest.readFrame(in);
                        if (!f.startsWith("RECEIPT")) {
                            failure.set(f);
                            return;
                        }
                        confirmed.add(PagingProcessTest.header(f, "receipt-id"));
                        window.release();
                    }
                } catch (IOException e) {
                    failure.set(e.toString());
                }
            }, "receipts-" + producer);
            receipts.start();
            for (int i = 0; i < PER_PRODUCER; i++) {
                assertThat(window.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)).as("a receipt after %d sends", i).isTrue();
                assertThat(failure.get()).isNull();
                String key = producer + "-" + i;
                out.write(("SEND\ndestination:/queue/paged\npersistent:true\nseq:" + key + "\nreceipt:" + key
                        + "\ncontent-length:" + PADDING.length() + "\n\n" + PADDING + "\0").getBytes(StandardCharsets.UTF_8));
                if (window.availablePermits() == 0 || i == PER_PRODUCER - 1) {
                    out.flush();
                }
            }
            receipts.join(WAIT.toMillis());
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void pagedMessagesAreReplicatedAndDeliveredInOrderByTheNewActive() throws Exception {
        try (InProcessPair pair = new InProcessPair(dir, "2MiB").startInSync()) {
            Set<String> confirmed = ConcurrentHashMap.newKeySet();
            List<Thread> producers = new ArrayList<>();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int producer = p;
                Thread t = new Thread(() -> {
                    try {
                        produce(pair.a.port("stomp"), producer, confirmed);
                    } catch (Exception | AssertionError e) {
                        errors.add(e);
                    }
                }, "producer-" + p);
                producers.add(t);
                t.start();
            }
            for (Thread t : producers) {
                t.join(WAIT.toMillis());
            }
            assertThat(errors).isEmpty();
            assertThat(confirmed).hasSize(PRODUCERS * PER_PRODUCER);
            long onA = pageFiles(dir.resolve("node-a").resolve("paging"));
            long onB = pageFiles(dir.resolve("node-b").resolve("paging"));
            LOG.info("{} messages confirmed; page files: {} on the active, {} on the standby", confirmed.size(), onA, onB);
            assertThat(onA).as("the active pages past its memory limit").isPositive();
            assertThat(onB).as("the standby holds the active's page files").isEqualTo(onA);

            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);

            List<String> received = PagingProcessTest.consumeAll(pair.b.port("stomp"), "paged", confirmed.size());
            Set<String> missing = new HashSet<>(confirmed);
            missing.removeAll(received);
            assertThat(missing).as("confirmed but not delivered by the new active").isEmpty();
            int[] last = new int[PRODUCERS];
            java.util.Arrays.fill(last, -1);
            Set<String> seen = new HashSet<>();
            for (String key : received) {
                if (!seen.add(key)) {
                    continue;
                }
                int producer = Integer.parseInt(key.substring(0, key.indexOf('-')));
                int i = Integer.parseInt(key.substring(key.indexOf('-') + 1));
                assertThat(i).as("producer %d's messages in order", producer).isGreaterThan(last[producer]);
                last[producer] = i;
            }
            LOG.info("The new active delivered {} message(s), {} distinct, all {} confirmed, in order per producer",
                    received.size(), seen.size(), confirmed.size());
        }
    }
}
