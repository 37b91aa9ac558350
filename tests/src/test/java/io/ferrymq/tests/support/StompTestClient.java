package io.ferrymq.tests.support;

import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The STOMP side of the cross-protocol tests: Spring's STOMP client logged in as guest, every frame waiting for
 * its receipt, bodies of any content type taken as bytes.
 */
public final class StompTestClient implements AutoCloseable {

    /** A MESSAGE frame as received. */
    public record Frame(StompHeaders headers, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ReactorNettyTcpStompClient client;
    private final StompSession session;

    private StompTestClient(int port) throws Exception {
        scheduler.setPoolSize(1);
        scheduler.setDaemon(true);
        scheduler.initialize();
        client = new ReactorNettyTcpStompClient("127.0.0.1", port);
        client.setMessageConverter(new ByteArrayMessageConverter() {
            @Override
            protected boolean supportsMimeType(MessageHeaders headers) {
                return true; // bodies of every content type, as bytes
            }
        });
        client.setTaskScheduler(scheduler);
        StompHeaders login = new StompHeaders();
        login.setLogin("guest");
        login.setPasscode("guest");
        session = client.connectAsync(login, new StompSessionHandlerAdapter() { }).get(20, TimeUnit.SECONDS);
        session.setAutoReceipt(true);
    }

    public static StompTestClient connect(int port) throws Exception {
        return new StompTestClient(port);
    }

    /** Subscribes and returns once the broker confirmed the subscription with a receipt. */
    public BlockingQueue<Frame> subscribe(String destination) throws Exception {
        StompHeaders h = new StompHeaders();
        h.setDestination(destination);
        return subscribe(h);
    }

    /** Subscribes with these headers (destination included) once the broker confirmed it with a receipt. */
    public BlockingQueue<Frame> subscribe(StompHeaders h) throws Exception {
        BlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        StompSession.Subscription s = session.subscribe(h, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                inbox.add(new Frame(headers, (byte[]) payload));
            }
        });
        s.addReceiptTask(() -> receipt.complete(null));
        receipt.get(20, TimeUnit.SECONDS);
        return inbox;
    }

    /** Sends and returns once the broker confirmed the SEND with a receipt. */
    public void send(StompHeaders h, byte[] body) throws Exception {
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        session.send(h, body).addReceiptTask(() -> receipt.complete(null));
        receipt.get(20, TimeUnit.SECONDS);
    }

    public void send(StompHeaders h, String body) throws Exception {
        send(h, body.getBytes(StandardCharsets.UTF_8));
    }

    /** NACKs a message of a client-acknowledged subscription (by its STOMP 1.2 {@code ack} header), once receipted. */
    public void nack(Frame message) throws Exception {
        StompHeaders h = new StompHeaders();
        h.setId(message.headers().getAck());
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        session.acknowledge(h, false).addReceiptTask(() -> receipt.complete(null));
        receipt.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (session.isConnected()) {
            session.disconnect();
        }
        client.shutdown();
        scheduler.shutdown();
    }
}
