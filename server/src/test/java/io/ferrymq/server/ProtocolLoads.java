package io.ferrymq.server;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Producers of one protocol under load against a {@link BrokerProcess}, and the drain that follows a
 * restart: what the fault tests (kill -9, SIGTERM) compare. A message is confirmed when the protocol told its
 * producer so (a STOMP receipt, an MQTT PUBACK or PUBCOMP, a returned Qpid JMS persistent send, an SQS
 * SendMessage response); its body is its id.
 */
interface ProtocolLoads {

    /** A protocol's producers and drain. */
    interface Driver {
        String name();

        /** Once, before the first load: what must exist for messages to be kept (queues, sessions). */
        default void prepare(BrokerProcess broker) throws Exception {
        }

        Load start(BrokerProcess broker, String prefix) throws Exception;

        /** Everything the broker holds for this protocol's consumers, until {@code marker} (sent last) arrives. */
        Drained drain(BrokerProcess broker, String marker) throws Exception;

        /** Whether the protocol lets the broker deliver a message again when it flags it (MQTT DUP, JMSRedelivered). */
        boolean flaggedRedeliveryAllowed();
    }

    /** Running producers: the ids confirmed so far. */
    interface Load extends AutoCloseable {
        Set<String> confirmed();

        @Override
        void close();
    }

    /** Delivery counts by id, and the ids that came flagged as redelivered. */
    record Drained(Map<String, Integer> counts, Set<String> flagged) {
        static Drained empty() {
            return new Drained(new ConcurrentHashMap<>(), ConcurrentHashMap.newKeySet());
        }

        void add(String id, boolean redelivered) {
            counts.merge(id, 1, Integer::sum);
            if (redelivered) {
                flagged.add(id);
            }
        }
    }

    /** Runs producers on daemon threads until closed; subclasses send one message per call. */
    abstract class Producers implements Load {
        final Set<String> confirmed = ConcurrentHashMap.newKeySet();
        final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        void run(int count, String prefix, ThrowingProducer body) {
            for (int p = 0; p < count; p++) {
                String name = prefix + "-p" + p;
                Thread t = new Thread(() -> {
                    try {
                        body.produce(name);
                    } catch (Exception e) {
                        // the broker went away: this producer's work is over
                    }
                }, "load-" + name);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        @Override
        public Set<String> confirmed() {
            return confirmed;
        }

        @Override
        public void close() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @FunctionalInterface
    interface ThrowingProducer {
        void produce(String name) throws Exception;
    }

    // ------------------------------------------------------------------ STOMP

    /** Persistent SENDs with receipts to {@code /queue/fault.stomp}; drained with client-individual acks. */
    final class Stomp implements Driver {
        private static final String QUEUE = "/queue/fault.stomp";

        @Override
        public String name() {
            return "STOMP";
        }

        @Override
        public boolean flaggedRedeliveryAllowed() {
            return true;
        }

        @Override
        public Load start(BrokerProcess broker, String prefix) {
            Producers load = new Producers() {
                private final List<StompWire> wires = new ArrayList<>();

                @Override
                public void close() {
                    synchronized (wires) {
                        wires.forEach(StompWire::close);
                    }
                    super.close();
                }

                {
                    run(2, prefix, name -> {
                        StompWire w = StompWire.connect(broker.port("stomp"));
                        synchronized (wires) {
                            wires.add(w);
                        }
                        Semaphore window = new Semaphore(32);
                        Map<String, String> byReceipt = new ConcurrentHashMap<>();
                        Thread reader = new Thread(() -> {
                            try {
                                while (true) {
                                    Map<String, String> f = w.read();
                                    String id = byReceipt.remove(f.getOrDefault("receipt-id", ""));
                                    if (id != null) {
                                        confirmed.add(id);
                                        window.release();
                                    }
                                }
                            } catch (IOException e) {
                                // closed
                            }
                        });
                        reader.setDaemon(true);
                        reader.start();
                        for (int seq = 0; !stop.get(); seq++) {
                            if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                if (!reader.isAlive()) {
                                    return;
                                }
                                seq--;
                                continue;
                            }
                            String id = name + "-" + seq;
                            byReceipt.put("r" + seq, id);
                            w.send("SEND\ndestination:" + QUEUE + "\npersistent:true\nreceipt:r" + seq + "\n\n" + id + "\0");
                        }
                    });
                }
            };
            return load;
        }

        @Override
        public Drained drain(BrokerProcess broker, String marker) throws Exception {
            Drained d = Drained.empty();
            try (StompWire w = StompWire.connect(broker.port("stomp"))) {
                w.send("SEND\ndestination:" + QUEUE + "\npersistent:true\n\n" + marker + "\0");
                w.send("SUBSCRIBE\nid:0\ndestination:" + QUEUE + "\nack:client-individual\nprefetch-count:500\n\n\0");
                while (true) {
                    Map<String, String> f = w.read();
                    if (!"MESSAGE".equals(f.get(""))) {
                        continue;
                    }
                    w.send("ACK\nid:" + f.get("ack") + "\n\n\0");
                    String id = f.get("body");
                    if (id.equals(marker)) {
                        return d;
                    }
                    d.add(id, Boolean.parseBoolean(f.get("redelivered")));
                }
            }
        }
    }

    /** A minimal STOMP 1.2 connection in raw bytes: frames as header maps, the command under "" and the body under "body". */
    final class StompWire implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        private StompWire(Socket s) throws IOException {
            socket = s;
            s.setSoTimeout(60_000);
            out = s.getOutputStream();
            in = new BufferedInputStream(s.getInputStream());
        }

        static StompWire connect(int port) throws IOException {
            StompWire w = new StompWire(new Socket("127.0.0.1", port));
            w.send("CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0");
            if (!"CONNECTED".equals(w.read().get(""))) {
                throw new IOException("not connected");
            }
            return w;
        }

        void timeout(int millis) throws IOException {
            socket.setSoTimeout(millis);
        }

        synchronized void send(String frame) throws IOException {
            out.write(frame.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        Map<String, String> read() throws IOException {
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
            int blank = text.indexOf("\n\n");
            String[] lines = (blank < 0 ? text : text.substring(0, blank)).split("\n");
            Map<String, String> frame = new HashMap<>();
            frame.put("", lines[0]);
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                if (c > 0) {
                    frame.putIfAbsent(lines[i].substring(0, c), lines[i].substring(c + 1));
                }
            }
            frame.put("body", blank < 0 ? "" : text.substring(blank + 2));
            return frame;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    // ------------------------------------------------------------------ MQTT

    /**
     * Paho publishes at QoS 1 or 2 to {@code fault/qN/...}; a persistent session (clean session off) subscribed
     * before the load collects them, and is reconnected after the restart to drain.
     */
    final class Mqtt implements Driver {
        private final int qos;

        Mqtt(int qos) {
            this.qos = qos;
        }

        @Override
        public String name() {
            return "MQTT QoS " + qos;
        }

        @Override
        public boolean flaggedRedeliveryAllowed() {
            return qos == 1;
        }

        private String topic() {
            return "fault/q" + qos;
        }

        private MqttAsyncClient client(BrokerProcess broker, String id, boolean clean, MqttCallback callback)
                throws Exception {
            MqttAsyncClient c = new MqttAsyncClient("tcp://127.0.0.1:" + broker.port("mqtt"), id, new MemoryPersistence());
            if (callback != null) {
                c.setCallback(callback);
            }
            MqttConnectOptions o = new MqttConnectOptions();
            o.setUserName("guest");
            o.setPassword("guest".toCharArray());
            o.setCleanSession(clean);
            o.setAutomaticReconnect(false);
            o.setMaxInflight(64);
            o.setConnectionTimeout(30);
            c.connect(o).waitForCompletion(30_000);
            return c;
        }

        @Override
        public void prepare(BrokerProcess broker) throws Exception {
            MqttAsyncClient sub = client(broker, "fault-sub-q" + qos, false, null);
            sub.subscribe(topic() + "/#", qos).waitForCompletion(30_000);
            sub.disconnect().waitForCompletion(30_000);
            sub.close();
        }

        @Override
        public Load start(BrokerProcess broker, String prefix) {
            return new Producers() {
                {
                    run(2, prefix, name -> {
                        MqttAsyncClient c = client(broker, name, true, null);
                        try {
                            Semaphore window = new Semaphore(32);
                            for (int seq = 0; !stop.get() && c.isConnected(); seq++) {
                                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                    seq--;
                                    continue;
                                }
                                String id = name + "-" + seq;
                                c.publish(topic() + "/" + name, id.getBytes(StandardCharsets.UTF_8), qos, false, null,
                                        new IMqttActionListener() {
                                            @Override
                                            public void onSuccess(IMqttToken token) {
                                                confirmed.add(id);
                                                window.release();
                                            }

                                            @Override
                                            public void onFailure(IMqttToken token, Throwable e) {
                                                window.release();
                                            }
                                        });
                            }
                        } finally {
                            try {
                                c.disconnectForcibly(0, 1000);
                            } catch (Exception e) {
                                // gone with the broker
                            }
                            c.close(true);
                        }
                    });
                }
            };
        }

        @Override
        public Drained drain(BrokerProcess broker, String marker) throws Exception {
            Drained d = Drained.empty();
            CountDownLatch end = new CountDownLatch(1);
            MqttAsyncClient sub = client(broker, "fault-sub-q" + qos, false, new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    String id = new String(message.getPayload(), StandardCharsets.UTF_8);
                    if (id.equals(marker)) {
                        end.countDown();
                    } else {
                        d.add(id, message.isDuplicate());
                    }
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttAsyncClient pub = client(broker, "fault-marker-q" + qos, true, null);
            pub.publish(topic() + "/end", marker.getBytes(StandardCharsets.UTF_8), qos, false).waitForCompletion(30_000);
            pub.disconnect().waitForCompletion(30_000);
            pub.close();
            if (!end.await(180, TimeUnit.SECONDS)) {
                throw new AssertionError("MQTT drain: the marker did not arrive; got " + d.counts().size() + " messages");
            }
            sub.disconnect().waitForCompletion(30_000);
            sub.close();
            return d;
        }
    }

    // ------------------------------------------------------------------ AMQP 1.0

    /** Qpid JMS persistent sends (synchronous: send returns once the broker settled) to queue {@code fault.amqp}. */
    final class Amqp implements Driver {
        private static final String QUEUE = "fault.amqp";

        @Override
        public String name() {
            return "AMQP 1.0";
        }

        @Override
        public boolean flaggedRedeliveryAllowed() {
            return true;
        }

        private static Connection connect(BrokerProcess broker) throws JMSException {
            Connection c = new JmsConnectionFactory("guest", "guest", "amqp://127.0.0.1:" + broker.port("amqp")
                    + "?amqp.idleTimeout=0").createConnection();
            c.start();
            return c;
        }

        @Override
        public Load start(BrokerProcess broker, String prefix) {
            return new Producers() {
                {
                    run(2, prefix, name -> {
                        try (Connection c = connect(broker)) {
                            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                            MessageProducer p = s.createProducer(s.createQueue(QUEUE));
                            p.setDeliveryMode(DeliveryMode.PERSISTENT);
                            for (int seq = 0; !stop.get(); seq++) {
                                String id = name + "-" + seq;
                                p.send(s.createTextMessage(id));
                                confirmed.add(id);
                            }
                        }
                    });
                }
            };
        }

        @Override
        public Drained drain(BrokerProcess broker, String marker) throws Exception {
            Drained d = Drained.empty();
            try (Connection c = connect(broker)) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue(QUEUE)).send(s.createTextMessage(marker));
                MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
                while (true) {
                    Message m = consumer.receive(180_000);
                    if (m == null) {
                        throw new AssertionError("AMQP drain: the marker did not arrive; got " + d.counts().size());
                    }
                    String id = ((TextMessage) m).getText();
                    if (id.equals(marker)) {
                        return d;
                    }
                    d.add(id, m.getJMSRedelivered());
                }
            }
        }
    }

    // ------------------------------------------------------------------ SQS

    /** AWS SDK SendMessage to queue {@code fault-sqs}; drained with ReceiveMessage and DeleteMessage. */
    final class Sqs implements Driver {
        private static final String QUEUE = "fault-sqs";

        @Override
        public String name() {
            return "SQS";
        }

        @Override
        public boolean flaggedRedeliveryAllowed() {
            return true;
        }

        static SqsClient client(BrokerProcess broker) {
            return SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + broker.port("aws")))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDFAULT", "x")))
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
                    .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                    .build();
        }

        @Override
        public void prepare(BrokerProcess broker) {
            try (SqsClient sqs = client(broker)) {
                sqs.createQueue(r -> r.queueName(QUEUE));
            }
        }

        @Override
        public Load start(BrokerProcess broker, String prefix) {
            return new Producers() {
                {
                    run(2, prefix, name -> {
                        try (SqsClient sqs = client(broker)) {
                            String url = sqs.getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
                            for (int seq = 0; !stop.get(); seq++) {
                                String id = name + "-" + seq;
                                sqs.sendMessage(r -> r.queueUrl(url).messageBody(id));
                                confirmed.add(id);
                            }
                        }
                    });
                }
            };
        }

        @Override
        public Drained drain(BrokerProcess broker, String marker) {
            Drained d = Drained.empty();
            try (SqsClient sqs = client(broker)) {
                String url = sqs.getQueueUrl(r -> r.queueName(QUEUE)).queueUrl();
                sqs.sendMessage(r -> r.queueUrl(url).messageBody(marker));
                boolean markerSeen = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                while (System.nanoTime() < deadline) {
                    var got = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                            .visibilityTimeout(120).messageSystemAttributeNames(
                                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
                    if (got.isEmpty() && markerSeen) {
                        return d;
                    }
                    for (var m : got) {
                        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                        if (m.body().equals(marker)) {
                            markerSeen = true;
                        } else {
                            String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
                            d.add(m.body(), count != null && Integer.parseInt(count) > 1);
                        }
                    }
                }
                throw new AssertionError("SQS drain did not finish; marker seen: " + markerSeen);
            }
        }
    }
}
