package io.ferrymq.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Far more messages than the broker's heap, sent to a queue nobody consumes: the broker pages them to
 * disk instead of running out of memory, and a consumer later gets every one of them, in order, also
 * after a restart with that backlog.
 */
class PagingProcessTest {

    private static final int BODY = 64 * 1024;

    @Test
    void halfAGibibyteThroughA128MebibyteHeap(@TempDir Path dir) throws Exception {
        run(dir, 512L * 1024 * 1024, "128m");
    }

    @Test
    @Tag("system")
    void twoGibibytesThroughA256MebibyteHeap(@TempDir Path dir) throws Exception {
        run(dir, 2L * 1024 * 1024 * 1024, "256m");
    }

    /**
     * Ten times the heap waits in page files when the broker stops; it starts again with that backlog,
     * hands every message out exactly once (settled on hand-out, as {@code ack:auto} does), and after
     * another restart nothing of it comes back.
     */
    @Test
    @Tag("system")
    void tenTimesTheHeapSurvivesARestartAndIsDeliveredExactlyOnce(@TempDir Path dir) throws Exception {
        long totalBytes = 1280L * 1024 * 1024;
        String heap = "128m";
        // Small messages: what each one costs beyond its body (indexes, references) counts too.
        int size = 4 * 1024;
        int count = (int) (totalBytes / size);
        Path data = dir.resolve("data");
        try (BrokerProcess broker = BrokerProcess.start(dir, data, heap, null)) {
            produce(broker.port, count, size);
        }
        try (BrokerProcess broker = BrokerProcess.start(dir, data, heap, null)) {
            consumeInOrder(broker.port, count, "auto");
            assertThat(broker.alive()).as("the broker drained %d MiB with a %s heap", totalBytes >> 20, heap).isTrue();
        }
        try (BrokerProcess broker = BrokerProcess.start(dir, data, heap, null)) {
            assertThat(firstMessageAfterMarker(broker.port)).as("nothing consumed came back").isEqualTo("marker");
        }
    }

    private void run(Path dir, long totalBytes, String heap) throws Exception {
        int count = (int) (totalBytes / BODY);
        try (BrokerProcess broker = BrokerProcess.start(dir, dir.resolve("data"), heap, null)) {
            produce(broker.port, count, BODY);
            assertThat(broker.alive()).as("the broker survived %d MiB with a %s heap", totalBytes >> 20, heap).isTrue();
            consumeInOrder(broker.port, count, "client");
        }
    }

    private static void produce(int port, int count, int size) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'p');
        try (Socket s = connect(port)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 256 * 1024);
            InputStream in = new BufferedInputStream(s.getInputStream());
            Semaphore window = new Semaphore(64);
            AtomicReference<String> failure = new AtomicReference<>();
            Thread receipts = new Thread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        String f = readFrame(in);
                        if (!f.startsWith("RECEIPT")) {
                            failure.set(f);
                            window.release(count);
                            return;
                        }
                        window.release();
                    }
                } catch (IOException e) {
                    failure.set(e.toString());
                    window.release(count);
                }
            });
            receipts.start();
            for (int i = 0; i < count; i++) {
                if (!window.tryAcquire(120, TimeUnit.SECONDS)) {
                    throw new AssertionError("no receipt within 120 s after " + i + " messages");
                }
                if (failure.get() != null) {
                    throw new AssertionError("broker refused message " + i + ": " + failure.get());
                }
                out.write(("SEND\ndestination:/queue/backlog\npersistent:true\nseq:" + i + "\nreceipt:" + i
                        + "\ncontent-length:" + size + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.write(0);
                if (window.availablePermits() == 0 || i == count - 1) {
                    out.flush();
                }
            }
            out.flush();
            receipts.join(120_000);
            assertThat(receipts.isAlive()).as("every message was receipted").isFalse();
            assertThat(failure.get()).isNull();
        }
    }

    private static void consumeInOrder(int port, int count, String ack) throws Exception {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 256 * 1024);
            out.write(("SUBSCRIBE\nid:0\ndestination:/queue/backlog\nack:" + ack + "\nprefetch-count:200\n\n\0")
                    .getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < count; i++) {
                String f = readFrame(in);
                assertThat(f).startsWith("MESSAGE");
                String seq = header(f, "seq");
                assertThat(seq).as("message %d arrives in order", i).isEqualTo(Integer.toString(i));
                if (ack.equals("client") && (i % 100 == 99 || i == count - 1)) {
                    out.write(("ACK\nid:" + header(f, "ack") + "\n\n\0").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }
    }

    /** Subscribes, then sends a marker: the first message the subscription gets is what the queue held first. */
    private static String firstMessageAfterMarker(int port) throws Exception {
        try (Socket consumer = connect(port); Socket producer = connect(port)) {
            OutputStream out = consumer.getOutputStream();
            InputStream in = new BufferedInputStream(consumer.getInputStream());
            out.write("SUBSCRIBE\nid:0\ndestination:/queue/backlog\nack:auto\nreceipt:subscribed\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(in)).startsWith("RECEIPT");
            producer.getOutputStream().write(("SEND\ndestination:/queue/backlog\npersistent:true\nseq:marker\n"
                    + "receipt:marker\n\nm\0").getBytes(StandardCharsets.UTF_8));
            assertThat(readFrame(new BufferedInputStream(producer.getInputStream()))).startsWith("RECEIPT");
            String f = readFrame(in);
            assertThat(f).startsWith("MESSAGE");
            return header(f, "seq");
        }
    }

    static Socket connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(120_000);
        s.setTcpNoDelay(true);
        s.getOutputStream().write("CONNECT\naccept-version:1.2\nlogin:guest\npasscode:guest\n\n\0"
                .getBytes(StandardCharsets.UTF_8));
        String f = readFrame(new BufferedInputStream(s.getInputStream()) {
            @Override
            public int read() throws IOException {
                // Read byte by byte here so nothing after CONNECTED is swallowed by this throwaway buffer.
                return s.getInputStream().read();
            }
        });
        if (!f.startsWith("CONNECTED")) {
            throw new IOException("not connected: " + f);
        }
        return s;
    }

    /** The frame's command and headers (the body is skipped). */
    static String readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        do {
            b = in.read();
        } while (b == '\n' || b == '\r');
        int newlines = 0;
        while (b >= 0) {
            head.write(b);
            if (b == '\n') {
                if (++newlines == 2) {
                    break;
                }
            } else {
                newlines = 0;
            }
            b = in.read();
        }
        if (b < 0) {
            throw new IOException("connection closed");
        }
        String h = head.toString(StandardCharsets.UTF_8);
        String length = header(h, "content-length");
        if (length != null) {
            long skip = Long.parseLong(length);
            while (skip > 0) {
                long n = in.skip(skip);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed in a body");
                    }
                    n = 1;
                }
                skip -= n;
            }
            if (in.read() != 0) {
                throw new IOException("frame not NUL-terminated");
            }
        } else {
            while ((b = in.read()) > 0) {
                // body up to NUL
            }
        }
        return h;
    }

    static String header(String frame, String name) {
        for (String line : frame.split("\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** Everything {@code /queue/NAME} holds, by the {@code seq} header, in delivery order (auto-acknowledged). */
    static List<String> consumeAll(int stompPort, String queue, int expected) throws IOException {
        List<String> received = new ArrayList<>();
        try (Socket s = connect(stompPort)) {
            s.setSoTimeout(15_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            s.getOutputStream().write(("SUBSCRIBE\nid:0\ndestination:/queue/" + queue + "\nack:auto\n\n\0")
                    .getBytes(StandardCharsets.UTF_8));
            while (received.size() < expected) {
                String f;
                try {
                    f = readFrame(in);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (f.startsWith("MESSAGE")) {
                    received.add(header(f, "seq"));
                }
            }
        }
        return received;
    }
}
