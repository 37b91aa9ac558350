package io.ferrymq.stomp;

import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Flow control end to end: neither a flood of producers nor a consumer that stops reading grows the broker without bound. */
class StompFlowControlTest {

    private static final int BODY = 64 * 1024;

    private static byte[] sendFrame(String destination, int i) {
        byte[] body = new byte[BODY];
        Arrays.fill(body, (byte) ('a' + i % 26));
        byte[] head = ("SEND\ndestination:" + destination + "\nseq:" + i + "\ncontent-length:" + BODY + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] frame = Arrays.copyOf(head, head.length + BODY + 1);
        System.arraycopy(body, 0, frame, head.length, BODY);
        return frame;
    }

    @Test
    void producerIsThrottledAtTheMemoryLimitAndLosesNothing() throws Exception {
        long limit = 2L * 1024 * 1024;
        int total = 300;
        StompSettings d = StompSettings.defaults();
        StompSettings fourPendingSends = new StompSettings(d.limits(), d.minHeartBeatMillis(), d.connectTimeoutMillis(),
                d.defaultPrefetch(), 4);
        try (EmbeddedBrokerExtension b = stomp(fourPendingSends).memoryLimit(limit).build().start()) {
            Thread producer = new Thread(() -> {
                try (RawStompClient c = new RawStompClient(b.port("stomp")).connect()) {
                    for (int i = 0; i < total; i++) {
                        c.send(sendFrame("/queue/flood", i));
                    }
                    c.send("DISCONNECT\nreceipt:done\n\n\0");
                    c.read();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "flooding-producer");
            producer.setDaemon(true);
            producer.start();

            await().atMost(30, TimeUnit.SECONDS).until(() -> b.broker().memory().used() >= limit);
            // Over the limit the broker stops reading the producer: the queue holds the limit plus at most
            // the few sends already read (max-pending-sends) and one read's worth of bytes.
            long bound = limit / BODY + 4 + 8;
            await().during(Duration.ofMillis(500)).atMost(10, TimeUnit.SECONDS).until(() -> depth(b) <= bound);
            assertThat(producer.isAlive()).as("the producer is held back, not done").isTrue();

            try (RawStompClient consumer = new RawStompClient(b.port("stomp")).connect()) {
                consumer.send("SUBSCRIBE\nid:0\ndestination:/queue/flood\nack:client-individual\n\n\0");
                for (int i = 0; i < total; i++) {
                    RawStompClient.Frame m = consumer.read();
                    assertThat(m.header("seq")).isEqualTo(Integer.toString(i));
                    consumer.send("ACK\nid:" + m.header("ack") + "\n\n\0");
                }
            }
            producer.join(30_000);
            assertThat(producer.isAlive()).isFalse();
        }
    }

    @Test
    void autoAckConsumerThatStopsReadingDoesNotDrainTheQueueIntoMemory() throws Exception {
        int total = 1000;
        try (EmbeddedBrokerExtension b = stomp(StompSettings.defaults()).build().start();
             Socket silent = new Socket("127.0.0.1", b.port("stomp"))) {
            silent.setReceiveBufferSize(64 * 1024);
            OutputStream out = silent.getOutputStream();
            out.write("CONNECT\naccept-version:1.2\nlogin:admin\npasscode:secret\n\n\0SUBSCRIBE\nid:0\ndestination:/queue/slow\nack:auto\nprefetch-count:10\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            try (RawStompClient producer = new RawStompClient(b.port("stomp")).connect()) {
                for (int i = 0; i < total; i++) {
                    producer.send(sendFrame("/queue/slow", i));
                }
                producer.send("SUBSCRIBE\nid:x\ndestination:/queue/other\nreceipt:sent\n\n\0");
                assertThat(producer.read().command()).isEqualTo("RECEIPT");
            }
            // The consumer reads nothing: once socket buffers fill, writes stop completing, so no more credit,
            // and the rest waits in the queue rather than in the connection's outbound buffer.
            await().during(Duration.ofMillis(500)).atMost(30, TimeUnit.SECONDS)
                    .until(() -> b.broker().vhost("/").queue("slow").exactStats().join().ready() > total / 3);
        }
    }

    private static EmbeddedBrokerExtension.Builder stomp(StompSettings settings) {
        return EmbeddedBrokerExtension.builder()
                .protocol(b -> new StompProtocol(b, settings))
                .tcp("stomp", StompProtocol.NAME);
    }

    private static long depth(EmbeddedBrokerExtension b) {
        if (b.broker().vhost("/").queue("flood") == null) {
            return 0;
        }
        QueueStats s = b.broker().vhost("/").queue("flood").exactStats().join();
        return s.total();
    }
}
