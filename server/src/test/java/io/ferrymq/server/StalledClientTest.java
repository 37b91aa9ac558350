package io.ferrymq.server;

import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consumers that stop reading, on every listener of a broker process with a 256 MiB heap: STOMP over TCP, the
 * unified port and WebSocket, MQTT (a QoS 1 subscriber that never reads its socket), AMQP 1.0 (a Qpid JMS
 * listener that never returns) and the HTTP API (ReceiveMessage requests whose answers are never read).
 * A producer pushes 4 KiB messages at them, first within the memory limit, then more than the heap holds:
 * the broker stays up within its heap (it runs with {@code -XX:+ExitOnOutOfMemoryError}), healthy clients on
 * every listener keep round-tripping, and after the overflow a fresh queue's subscriber is still served
 * (issue 11 item 2 breaks that today: counted and logged unless {@code -Dfuzz.strict=true}).
 */
@Tag("system")
class StalledClientTest {

    private static final Logger LOG = LoggerFactory.getLogger(StalledClientTest.class);
    /** Six destinations of 4,000 messages of 4 KiB: 94 MiB, within the broker's memory limit (half its heap). */
    private static final int WITHIN_LIMIT = 4_000;
    /** Then 8,000 more each: 281 MiB in all, more than the heap, so the backlog must page. */
    private static final int OVER_THE_HEAP = 8_000;
    private static final String BODY = "x".repeat(4096);
    private static final List<String> STALLED = List.of("/queue/stall.tcp", "/queue/stall.unified", "/queue/stall.ws",
            "/topic/stall.mqtt", "/queue/stall.amqp", "/queue/stall-sqs");
    /**
     * Issue 11 item 2 (one queue at the memory limit stalls every other queue) makes the round trip after the
     * backlog outgrows the heap time out on today's code: counted, not failed, unless this is set (as the
     * {@code fuzz} profile does); the fix for item 2 makes it pass strictly.
     */
    private static final boolean STRICT = Boolean.getBoolean("ferrymq.fuzz.strict");

    @Test
    void stalledConsumersOnEveryListenerLeaveTheBrokerBoundedAndOthersServed(@TempDir Path dir) throws Exception {
        List<Socket> stalled = new ArrayList<>();
        List<AutoCloseable> clients = new ArrayList<>();
        try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, dir.resolve("data"), "256m")) {
            // STOMP consumers that subscribe and then never read: TCP, unified port, WebSocket.
            stalled.add(stalledStomp(broker.port("stomp"), "/queue/stall.tcp", false));
            stalled.add(stalledStomp(broker.port("unified"), "/queue/stall.unified", false));
            stalled.add(stalledStomp(broker.port("websocket"), "/queue/stall.ws", true));
            stalled.add(stalledMqtt(broker.port("mqtt"), "stall/mqtt"));
            CountDownLatch never = new CountDownLatch(1);
            Connection jms = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + broker.port("amqp"))
                    .createConnection();
            clients.add(jms);
            jms.start();
            Session js = jms.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            js.createConsumer(js.createQueue("stall.amqp")).setMessageListener(m -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            SqsClient sqs = ProtocolLoads.Sqs.client(broker);
            clients.add(sqs);
            String url = sqs.createQueue(r -> r.queueName("stall-sqs")).queueUrl();

            long start = System.nanoTime();
            push(broker, WITHIN_LIMIT);
            // HTTP clients that ask for ten 4 KiB messages each and never read the answer.
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress("127.0.0.1", broker.port("aws")), 10_000);
                String body = "Action=ReceiveMessage&MaxNumberOfMessages=10&QueueUrl="
                        + java.net.URLEncoder.encode(url, StandardCharsets.UTF_8);
                s.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        + "application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                stalled.add(s);
            }
            LOG.info("pushed {} x 6 messages of 4 KiB at stalled consumers in {} ms", WITHIN_LIMIT,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertThat(broker.alive()).as("the broker is up within its 256 MiB heap").isTrue();
            LOG.info("broker resident set with every consumer stalled: {} MiB", rssKiB(broker.pid()) / 1024);

            // Healthy clients on every listener are still served while the stalled ones stay connected.
            for (String listener : List.of("stomp", "unified")) {
                assertThat(stompRoundTrip(broker, listener, "healthy." + listener)).as("STOMP on %s", listener).isTrue();
            }
            ProtocolLoads.Mqtt mqtt = new ProtocolLoads.Mqtt(1);
            mqtt.prepare(broker);
            assertThat(mqtt.drain(broker, "healthy-mqtt").counts()).isEmpty();
            ProtocolLoads.Amqp amqp = new ProtocolLoads.Amqp();
            assertThat(amqp.drain(broker, "healthy-amqp").counts()).isEmpty();
            String healthyUrl = sqs.createQueue(r -> r.queueName("healthy-sqs")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(healthyUrl).messageBody("ok"));
            assertThat(sqs.receiveMessage(r -> r.queueUrl(healthyUrl).waitTimeSeconds(20)).messages()).hasSize(1);

            // More than the heap at the stalled consumers: the broker must page, not die, and still serve others.
            start = System.nanoTime();
            push(broker, OVER_THE_HEAP);
            LOG.info("pushed {} x 6 more in {} ms; broker resident set {} MiB", OVER_THE_HEAP,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), rssKiB(broker.pid()) / 1024);
            assertThat(broker.alive()).as("the broker is up within its 256 MiB heap after the overflow").isTrue();
            boolean served = stompRoundTrip(broker, "stomp", "healthy.after");
            if (!served && !STRICT) {
                LOG.warn("issue 11 item 2 reproduced: with 281 MiB waiting for stalled consumers in a 256 MiB heap, a"
                        + " message to a fresh queue with a subscriber did not arrive within 30 s");
            } else {
                assertThat(served).as("a fresh queue's subscriber is served while others' backlogs page").isTrue();
            }
            assertThat(broker.alive()).isTrue();
            never.countDown();
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
            for (AutoCloseable c : clients) {
                c.close();
            }
        }
    }

    /** Persistent 4 KiB messages to every stalled destination, with a receipt every 200 to follow flow control. */
    private static void push(BrokerProcess broker, int perDestination) throws IOException {
        try (ProtocolLoads.StompWire producer = ProtocolLoads.StompWire.connect(broker.port("stomp"))) {
            for (String dest : STALLED) {
                for (int i = 0; i < perDestination; i++) {
                    String receipt = i % 200 == 199 ? "receipt:" + dest + i + "\n" : "";
                    producer.send("SEND\ndestination:" + dest + "\npersistent:true\n" + receipt + "\n" + BODY + "\0");
                    if (!receipt.isEmpty()) {
                        while (!"RECEIPT".equals(producer.read().get(""))) {
                            // no other frames are expected on this connection
                        }
                    }
                }
            }
        }
    }

    /** Subscribes, sends one message, and waits up to 30 s for it; @return whether it came. */
    private static boolean stompRoundTrip(BrokerProcess broker, String listener, String queue) throws IOException {
        try (ProtocolLoads.StompWire w = ProtocolLoads.StompWire.connect(broker.port(listener))) {
            w.timeout(30_000);
            w.send("SUBSCRIBE\nid:0\ndestination:/queue/" + queue + "\n\n\0");
            w.send("SEND\ndestination:/queue/" + queue + "\n\nok\0");
            while (!"MESSAGE".equals(w.read().get(""))) {
                // until the message
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }

    private static Socket stalledStomp(int port, String destination, boolean websocket) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        OutputStream out = s.getOutputStream();
        List<String> frames = List.of("CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0",
                "SUBSCRIBE\nid:0\ndestination:" + destination + "\nack:client\n\n\0");
        if (websocket) {
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: v12.stomp\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // Read the handshake answer only; frames must follow it (RFC 6455 4.1).
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                head.append((char) s.getInputStream().read());
            }
            for (String f : frames) {
                out.write(masked(f.getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            for (String f : frames) {
                out.write(f.getBytes(StandardCharsets.UTF_8));
            }
        }
        out.flush();
        return s;
    }

    /** MQTT 3.1.1 CONNECT (guest) and SUBSCRIBE QoS 1, then nothing is read. */
    private static Socket stalledMqtt(int port, String topic) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        OutputStream out = s.getOutputStream();
        out.write(mqttPacket(0x10, mqttString("MQTT"), new byte[] {4, (byte) 0xC2, 0, 0}, mqttString("stalled"),
                mqttString("guest"), mqttString("guest")));
        out.write(mqttPacket(0x82, new byte[] {0, 1}, mqttString(topic), new byte[] {1}));
        out.flush();
        return s;
    }

    private static byte[] mqttString(String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    private static byte[] mqttPacket(int header, byte[]... parts) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(header);
        out.write(body.size()); // every packet here is shorter than 128 bytes
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] masked(byte[] p) {
        byte[] mask = {1, 2, 3, 4};
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x81);
        if (p.length < 126) {
            out.write(0x80 | p.length);
        } else {
            out.write(0x80 | 126);
            out.write(p.length >> 8);
            out.write(p.length);
        }
        out.writeBytes(mask);
        for (int i = 0; i < p.length; i++) {
            out.write(p[i] ^ mask[i % 4]);
        }
        return out.toByteArray();
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
