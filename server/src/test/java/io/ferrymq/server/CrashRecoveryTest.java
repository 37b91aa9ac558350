package io.ferrymq.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker, a separate process, is killed with SIGKILL while producers send persistent messages with
 * receipts and a consumer acknowledges some of them with receipts. After a restart on the same data
 * directory: every receipted message is there exactly once unless its acknowledgement was receipted, no
 * acknowledged message comes back, and whatever was handed out before the crash comes back flagged as
 * redelivered.
 */
class CrashRecoveryTest {

    private static final String QUEUE = "/queue/crash";

    @Test
    void receiptedMessagesSurviveKillMinusNineAtThreeKillPoints(@TempDir Path dir) throws Exception {
        runKillLoop(dir, 3, new Random(20261123L));
    }

    @Test
    @Tag("system")
    void receiptedMessagesSurviveKillMinusNineAtManyKillPoints(@TempDir Path dir) throws Exception {
        runKillLoop(dir, 12, new Random());
    }

    private void runKillLoop(Path dir, int rounds, Random random) throws Exception {
        Path data = dir.resolve("data");
        Set<String> everAcked = ConcurrentHashMap.newKeySet();
        Set<String> everAckSent = ConcurrentHashMap.newKeySet();
        Set<String> receipted = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < rounds; round++) {
            int killAfter = 200 + random.nextInt(1500);
            Observed seen;
            try (BrokerProcess broker = BrokerProcess.start(dir, data, null)) {
                seen = load(broker, "r" + round, killAfter);
                broker.kill();
            }
            receipted.addAll(seen.receipted);
            everAcked.addAll(seen.acked);
            everAckSent.addAll(seen.ackSent);
            // Restart, drain everything, check it against what the clients were told.
            try (BrokerProcess broker = BrokerProcess.start(dir, data, null)) {
                Map<String, Boolean> drained = drain(broker.port, "end-" + round);
                for (String id : drained.keySet()) {
                    assertThat(everAcked).as("round %d: acknowledged message %s came back", round, id).doesNotContain(id);
                }
                for (String id : receipted) {
                    // An ack sent but not receipted may or may not have made it to disk before the kill.
                    if (!everAckSent.contains(id)) {
                        assertThat(drained).as("round %d: receipted message %s is lost", round, id).containsKey(id);
                    }
                }
                for (String id : seen.delivered) {
                    if (drained.containsKey(id)) {
                        assertThat(drained.get(id)).as("round %d: %s was delivered before the crash", round, id).isTrue();
                    }
                }
                // Drained messages are acknowledged: the next round starts from an empty queue.
                everAcked.addAll(drained.keySet());
                everAckSent.addAll(drained.keySet());
            }
        }
    }

    /** What the clients were told before the crash. */
    private record Observed(Set<String> receipted, Set<String> delivered, Set<String> ackSent, Set<String> acked) { }

    private Observed load(BrokerProcess broker, String prefix, int killAfterReceipts) throws Exception {
        Set<String> receipted = ConcurrentHashMap.newKeySet();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        Set<String> ackSent = ConcurrentHashMap.newKeySet();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger receipts = new AtomicInteger();
        List<Wire> wires = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            Wire w = Wire.connect(broker.port);
            wires.add(w);
            String producer = prefix + "-p" + p;
            Semaphore window = new Semaphore(64);
            Map<String, String> byReceipt = new ConcurrentHashMap<>();
            threads.add(daemon(() -> {
                for (int seq = 0; ; seq++) {
                    String id = producer + "-" + seq;
                    while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        if (w.isClosed()) {
                            return;
                        }
                    }
                    byReceipt.put("s" + seq, id);
                    w.send("SEND\ndestination:" + QUEUE + "\npersistent:true\nmid:" + id + "\nreceipt:s" + seq
                            + "\n\n" + id + "\0");
                }
            }));
            threads.add(daemon(() -> {
                while (true) {
                    Wire.Frame f = w.read();
                    if (f.command.equals("RECEIPT")) {
                        String id = byReceipt.remove(f.headers.get("receipt-id"));
                        receipted.add(id);
                        receipts.incrementAndGet();
                        window.release();
                    }
                }
            }));
        }
        Wire consumer = Wire.connect(broker.port);
        wires.add(consumer);
        consumer.send("SUBSCRIBE\nid:0\ndestination:" + QUEUE + "\nack:client-individual\nprefetch-count:50\n\n\0");
        threads.add(daemon(() -> {
            int n = 0;
            while (true) {
                Wire.Frame f = consumer.read();
                if (f.command.equals("MESSAGE")) {
                    String id = f.headers.get("mid");
                    delivered.add(id);
                    if (n++ % 2 == 0) {
                        ackSent.add(id);
                        consumer.send("ACK\nid:" + f.headers.get("ack") + "\nreceipt:a" + id + "\n\n\0");
                    }
                } else if (f.command.equals("RECEIPT")) {
                    acked.add(f.headers.get("receipt-id").substring(1));
                }
            }
        }));
        threads.forEach(Thread::start);
        await().atMost(60, TimeUnit.SECONDS).until(() -> receipts.get() >= killAfterReceipts);
        // Snapshot before the kill: only what the clients had been told counts.
        // Acks sent are taken after acks receipted, so every receipted ack is also among those sent.
        Set<String> ackedSnapshot = Set.copyOf(acked);
        Observed o = new Observed(Set.copyOf(receipted), Set.copyOf(delivered), Set.copyOf(ackSent), ackedSnapshot);
        for (Wire w : wires) {
            w.closeQuietly();
        }
        return o;
    }

    /** Reads the whole queue: a marker sent last comes back last, so everything before it has been seen. */
    private Map<String, Boolean> drain(int port, String marker) throws Exception {
        Map<String, Boolean> out = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        try (Wire w = Wire.connect(port)) {
            w.send("SEND\ndestination:" + QUEUE + "\npersistent:true\nmid:" + marker + "\nreceipt:m\n\nend\0");
            w.send("SUBSCRIBE\nid:0\ndestination:" + QUEUE + "\nack:client-individual\nprefetch-count:500\n\n\0");
            while (true) {
                Wire.Frame f = w.read();
                if (!f.command.equals("MESSAGE")) {
                    continue;
                }
                String id = f.headers.get("mid");
                w.send("ACK\nid:" + f.headers.get("ack") + "\n\n\0");
                if (id.equals(marker)) {
                    break;
                }
                if (id.startsWith("end-")) {
                    continue;
                }
                counts.merge(id, 1, Integer::sum);
                out.put(id, Boolean.parseBoolean(f.headers.get("redelivered")));
            }
        }
        counts.forEach((id, n) -> assertThat(n).as("message %s delivered %d times after restart", id, n).isEqualTo(1));
        return out;
    }

    private static Thread daemon(ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                // the broker was killed: this client's work is over
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        return t;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A minimal STOMP 1.2 connection for load: these tests are about the journal, not about STOMP. */
    static final class Wire implements AutoCloseable {
        record Frame(String command, Map<String, String> headers) { }

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        private Wire(Socket s) throws IOException {
            socket = s;
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            out = s.getOutputStream();
            in = new BufferedInputStream(s.getInputStream());
        }

        static Wire connect(int port) throws IOException {
            Wire w = new Wire(new Socket("127.0.0.1", port));
            w.send("CONNECT\naccept-version:1.2\nlogin:guest\npasscode:guest\n\n\0");
            Frame f = w.read();
            if (!f.command.equals("CONNECTED")) {
                throw new IOException("not connected: " + f);
            }
            return w;
        }

        synchronized void send(String frame) throws IOException {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        Frame read() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int b;
            do {
                b = in.read();
            } while (b == '\n' || b == '\r');
            while (b > 0) {
                buf.write(b);
                b = in.read();
            }
            if (b < 0) {
                throw new IOException("connection closed");
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            String[] lines = text.substring(0, Math.max(0, text.indexOf("\n\n") < 0 ? text.length() : text.indexOf("\n\n")))
                    .split("\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                if (c > 0) {
                    headers.putIfAbsent(lines[i].substring(0, c), lines[i].substring(c + 1));
                }
            }
            return new Frame(lines[0], headers);
        }

        boolean isClosed() {
            return socket.isClosed();
        }

        void closeQuietly() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        @Override
        public void close() {
            closeQuietly();
        }
    }
}
