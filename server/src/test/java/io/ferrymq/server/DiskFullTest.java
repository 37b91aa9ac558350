package io.ferrymq.server;

import io.ferrymq.server.CrashRecoveryTest.Wire;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The broker, a separate process, keeps its journal on a real 48 MiB tmpfs that the test fills to the last
 * byte: producers get STOMP errors, the consumer keeps receiving and acknowledging, and once the test frees
 * the space everything held is written by itself; after a restart no receipted message is lost and no
 * acknowledged one comes back. Needs root (to mount the tmpfs), as CI runs.
 */
@Tag("system")
class DiskFullTest {

    private static final String QUEUE = "/queue/diskfull";
    private static final String BODY = "b".repeat(1024);
    /** min-free 0: the disk really fills, so the journal meets "No space left on device" itself. */
    private static final String STORAGE = "  segment-size: 4MiB\n  min-free: 0\n";

    @Test
    void aFullDiskRefusesProducersKeepsConsumersAndResumesWithoutLosingOrRepeatingAnything(@TempDir Path dir)
            throws Exception {
        Path disk = dir.resolve("disk");
        Files.createDirectories(disk);
        mountTmpfs(disk);
        try {
            run(dir, disk.resolve("data"), disk.resolve("filler"));
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    @Test
    void aDiskTooSmallForOneSegmentStopsStartUpWithOneClearLine(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk");
        Files.createDirectories(disk);
        mountTmpfs(disk);
        try {
            assertThatThrownBy(() -> BrokerProcess.start(dir, disk.resolve("data"), "256m", null,
                    "  segment-size: 64MiB\n").close())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("ferrymq: storage: cannot create a journal segment of 64.0 MiB in " + disk)
                    .hasMessageContaining("No space left on device")
                    .hasMessageContaining("lower storage.segment-size")
                    .hasMessageNotContaining("\tat ")
                    .hasMessageNotContaining("Exception:");
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    private void run(Path dir, Path data, Path filler) throws Exception {
        Set<String> receipted = ConcurrentHashMap.newKeySet();
        Set<String> ackReceipted = ConcurrentHashMap.newKeySet();
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        AtomicReference<Wire.Frame> producerError = new AtomicReference<>();
        try (BrokerProcess broker = BrokerProcess.start(dir, data, "512m", null, STORAGE)) {
            fill(filler);
            Wire consumer = Wire.connect(broker.port);
            consumer.send("SUBSCRIBE\nid:0\ndestination:" + QUEUE
                    + "\nack:client-individual\nprefetch-count:200\n\n\0");
            Thread consuming = daemon(() -> {
                while (true) {
                    Wire.Frame f = consumer.read();
                    if (f.command().equals("MESSAGE")) {
                        String id = f.headers().get("mid");
                        deliveries.merge(id, 1, Integer::sum);
                        consumer.send("ACK\nid:" + f.headers().get("ack") + "\nreceipt:a" + id + "\n\n\0");
                    } else if (f.command().equals("RECEIPT")) {
                        ackReceipted.add(f.headers().get("receipt-id").substring(1));
                    }
                }
            });
            consuming.start();

            // The current segment and the spare made at start-up take the writes; the next segment cannot be made.
            Wire producer = Wire.connect(broker.port);
            Semaphore window = new Semaphore(32);
            Map<String, String> byReceipt = new ConcurrentHashMap<>();
            Thread reading = daemon(() -> {
                while (true) {
                    Wire.Frame f = producer.read();
                    if (f.command().equals("RECEIPT")) {
                        receipted.add(byReceipt.remove(f.headers().get("receipt-id")));
                        window.release();
                    } else if (f.command().equals("ERROR")) {
                        producerError.set(f);
                        return;
                    }
                }
            });
            reading.start();
            for (int seq = 0; producerError.get() == null && seq < 100_000; seq++) {
                while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (producerError.get() != null) {
                        break;
                    }
                }
                String id = "m" + seq;
                byReceipt.put("s" + seq, id);
                try {
                    producer.send("SEND\ndestination:" + QUEUE + "\npersistent:true\nmid:" + id + "\nreceipt:s" + seq
                            + "\n\n" + BODY + "\0");
                } catch (IOException closed) {
                    break;
                }
            }
            await().atMost(120, TimeUnit.SECONDS).until(() -> producerError.get() != null);
            assertThat(producerError.get().headers().get("message")).startsWith("Disk full")
                    .contains("No space left on device").contains("refused until space is freed");
            assertThat(broker.output()).contains("DISK ALARM").contains("No space left on device");
            int receiptedWhileFull = receipted.size();
            assertThat(receiptedWhileFull).as("the journal's two segments took writes before the disk was full")
                    .isGreaterThan(1000);
            // The consumer keeps receiving everything the broker accepted, held writes included.
            await().atMost(120, TimeUnit.SECONDS).until(() -> deliveries.keySet().containsAll(receipted));
            producer.closeQuietly();

            Files.delete(filler);
            // Held writes (messages and acknowledgements) go to disk by themselves: every receipt arrives.
            await().atMost(120, TimeUnit.SECONDS).until(() -> ackReceipted.containsAll(deliveries.keySet()));
            await().atMost(120, TimeUnit.SECONDS).until(() -> sendWithReceipt(broker.port, "after-space"));
            await().atMost(60, TimeUnit.SECONDS).until(() -> ackReceipted.contains("after-space"));
            assertThat(broker.output()).contains("disk alarm cleared");
            consumer.closeQuietly();
        }
        // A clean stop, a restart: nothing acknowledged comes back, the queue is empty.
        try (BrokerProcess broker = BrokerProcess.start(dir, data, "512m", null, STORAGE)) {
            Map<String, Integer> drained = drain(broker.port);
            assertThat(drained).as("acknowledged while the disk was full, yet back after a restart").isEmpty();
        }
        assertThat(deliveries.values()).as("no message delivered twice").allMatch(n -> n == 1);
        assertThat(deliveries.keySet()).containsAll(receipted);
    }

    private static boolean sendWithReceipt(int port, String id) {
        try (Wire w = Wire.connect(port)) {
            w.send("SEND\ndestination:" + QUEUE + "\npersistent:true\nmid:" + id + "\nreceipt:r\n\n" + id + "\0");
            return w.read().command().equals("RECEIPT");
        } catch (IOException e) {
            return false;
        }
    }

    /** Everything left in the queue, up to a marker sent last. */
    private static Map<String, Integer> drain(int port) throws IOException {
        Map<String, Integer> out = new HashMap<>();
        try (Wire w = Wire.connect(port)) {
            w.send("SEND\ndestination:" + QUEUE + "\npersistent:true\nmid:end\nreceipt:m\n\nend\0");
            w.send("SUBSCRIBE\nid:0\ndestination:" + QUEUE + "\nack:client-individual\nprefetch-count:500\n\n\0");
            while (true) {
                Wire.Frame f = w.read();
                if (f.command().equals("MESSAGE")) {
                    String id = f.headers().get("mid");
                    w.send("ACK\nid:" + f.headers().get("ack") + "\n\n\0");
                    if (id.equals("end")) {
                        return out;
                    }
                    out.merge(id, 1, Integer::sum);
                }
            }
        }
    }

    /** Writes a file until the disk has no byte left. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        // Flush whatever a buffered stream kept back, byte by byte, until truly nothing fits.
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full to the last byte
        }
    }

    private static void mountTmpfs(Path at) throws Exception {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            fail("DiskFullTest mounts a 48 MiB tmpfs and must run as root (CI does); it runs as '" + user + "'");
        }
        run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", at.toString());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static Thread daemon(ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                // the connection closed: this client's work is over
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
}
