package io.ferrymq.tests.matrix.endpoint;

import io.ferrymq.tests.matrix.Capabilities;
import io.ferrymq.tests.matrix.Destination;
import io.ferrymq.tests.matrix.Feature;
import io.ferrymq.tests.matrix.MatrixBroker;
import io.ferrymq.tests.matrix.ProtocolEndpoint;
import io.ferrymq.tests.matrix.ReceivedMessage;
import io.ferrymq.tests.matrix.TestMessage;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** STOMP 1.2 through Spring's STOMP client: {@code /queue/Q} and {@code /topic/K}, headers as properties. */
public final class StompEndpoint implements ProtocolEndpoint {

    /** Headers of the protocol and the broker, not application properties. */
    private static final Set<String> NOT_PROPERTIES = Set.of("destination", "subscription", "message-id", "ack",
            "content-type", "content-length", "content-encoding", "persistent", "priority", "expires", "redelivered",
            "timestamp", "receipt", "correlation-id", "reply-to", "type", "user-id");

    private final MatrixBroker broker;
    private final Client sender;

    public StompEndpoint(MatrixBroker broker) throws Exception {
        this.broker = broker;
        this.sender = new Client(broker.mixedPort());
    }

    @Override
    public String name() {
        return "STOMP";
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.both(EnumSet.allOf(Feature.class));
    }

    @Override
    public void send(Destination d, TestMessage m) throws Exception {
        StompHeaders h = new StompHeaders();
        h.setDestination(address(d));
        String contentType = m.contentType() != null ? m.contentType()
                : m.text() ? "text/plain;charset=utf-8" : "application/octet-stream";
        h.set("content-type", contentType);
        h.set("persistent", "true");
        m.properties().forEach(h::set);
        if (m.priority() != null) {
            h.set("priority", Integer.toString(m.priority()));
        }
        if (m.ttlMillis() != null) {
            h.set("expires", Long.toString(System.currentTimeMillis() + m.ttlMillis()));
        }
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        sender.session.send(h, m.body()).addReceiptTask(() -> receipt.complete(null));
        receipt.get(20, TimeUnit.SECONDS);
    }

    private static String address(Destination d) {
        return d.route() == Destination.Route.QUEUE ? "/queue/" + d.queue() : "/topic/" + d.topicKey();
    }

    @Override
    public Inbox listen(Destination d) throws Exception {
        return new StompInbox(d);
    }

    @Override
    public void close() {
        sender.close();
    }

    private final class StompInbox implements Inbox {
        private final Destination destination;
        private Client client;
        private BlockingQueue<Frame> frames;

        StompInbox(Destination d) throws Exception {
            this.destination = d;
            subscribe();
        }

        private void subscribe() throws Exception {
            client = new Client(broker.mixedPort());
            frames = client.subscribe(address(destination));
        }

        @Override
        public ReceivedMessage receive(Duration timeout) throws Exception {
            Frame f = next(timeout);
            if (f == null) {
                return null;
            }
            CompletableFuture<Void> receipt = new CompletableFuture<>();
            client.session.acknowledge(f.headers().getFirst("ack"), true).addReceiptTask(() -> receipt.complete(null));
            receipt.get(20, TimeUnit.SECONDS);
            return f.toReceived();
        }

        @Override
        public ReceivedMessage receiveUnsettled(Duration timeout) throws Exception {
            Frame f = next(timeout);
            return f == null ? null : f.toReceived();
        }

        private Frame next(Duration timeout) throws InterruptedException {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** A closed connection gives back its unacknowledged messages. */
        @Override
        public void abandon() throws Exception {
            client.close();
            subscribe();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private record Frame(StompHeaders headers, byte[] body) {
        ReceivedMessage toReceived() {
            Map<String, String> props = new LinkedHashMap<>();
            headers.toSingleValueMap().forEach((k, v) -> {
                if (!NOT_PROPERTIES.contains(k)) {
                    props.put(k, v);
                }
            });
            String priority = headers.getFirst("priority");
            String expires = headers.getFirst("expires");
            Long expiresAt = expires == null || "0".equals(expires) ? null : Long.valueOf(expires);
            return new ReceivedMessage(body, headers.getFirst("content-type"), props,
                    priority == null ? null : Integer.valueOf(priority), expiresAt,
                    "true".equals(headers.getFirst("redelivered")), isText(headers.getFirst("content-type")));
        }
    }

    private static boolean isText(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("text/");
    }

    /** One STOMP connection, every frame waiting for its receipt, bodies of any content type as bytes. */
    private static final class Client {
        private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        private final ReactorNettyTcpStompClient client;
        private final StompSession session;

        Client(int port) throws Exception {
            scheduler.setPoolSize(1);
            scheduler.setDaemon(true);
            scheduler.initialize();
            client = new ReactorNettyTcpStompClient("127.0.0.1", port);
            client.setMessageConverter(new ByteArrayMessageConverter() {
                @Override
                protected boolean supportsMimeType(MessageHeaders headers) {
                    return true;
                }
            });
            client.setTaskScheduler(scheduler);
            StompHeaders login = new StompHeaders();
            login.setLogin(MatrixBroker.USER);
            login.setPasscode(MatrixBroker.PASSWORD);
            session = client.connectAsync(login, new StompSessionHandlerAdapter() { }).get(20, TimeUnit.SECONDS);
            session.setAutoReceipt(true);
        }

        BlockingQueue<Frame> subscribe(String destination) throws Exception {
            BlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
            StompHeaders h = new StompHeaders();
            h.setDestination(destination);
            h.setAck("client-individual");
            CompletableFuture<Void> receipt = new CompletableFuture<>();
            session.subscribe(h, new StompFrameHandler() {
                @Override
                public Type getPayloadType(StompHeaders headers) {
                    return byte[].class;
                }

                @Override
                public void handleFrame(StompHeaders headers, Object payload) {
                    inbox.add(new Frame(headers, (byte[]) payload));
                }
            }).addReceiptTask(() -> receipt.complete(null));
            receipt.get(20, TimeUnit.SECONDS);
            return inbox;
        }

        void close() {
            if (session.isConnected()) {
                session.disconnect();
            }
            client.shutdown();
            scheduler.shutdown();
        }
    }
}
