package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Spring's STOMP client (a real, independent implementation), over TCP through Reactor Netty or over
 * WebSocket through Tomcat's WebSocket client, wrapped so tests read as a sequence of steps.
 */
final class SpringStompClient implements AutoCloseable {

    enum Transport { TCP, WEBSOCKET }

    /** A received MESSAGE: its headers and body as text. */
    record Received(StompHeaders headers, String body) { }

    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ReactorNettyTcpStompClient tcp;
    private final WebSocketStompClient ws;
    private final WsWebSocketContainer wsContainer;
    final StompSession session;
    final List<String> errors = new CopyOnWriteArrayList<>();

    SpringStompClient(Transport transport, EmbeddedBrokerExtension broker, StompHeaders connectHeaders) throws Exception {
        scheduler.setPoolSize(1);
        scheduler.setDaemon(true);
        scheduler.initialize();
        StompSessionHandlerAdapter handler = new StompSessionHandlerAdapter() {
            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                errors.add(headers.getFirst("message"));
            }

            @Override
            public void handleTransportError(StompSession s, Throwable exception) {
                errors.add("transport: " + exception);
            }
        };
        CompletableFuture<StompSession> connecting;
        if (transport == Transport.TCP) {
            tcp = new ReactorNettyTcpStompClient("127.0.0.1", broker.port("stomp"));
            tcp.setMessageConverter(new AnyContentConverter());
            tcp.setTaskScheduler(scheduler);
            ws = null;
            wsContainer = null;
            connecting = tcp.connectAsync(connectHeaders, handler);
        } else {
            // Tomcat's container, one per client and destroyed on close: Tyrus' client container now and
            // then shut its executors down under a still-open session, which failed the DISCONNECT.
            wsContainer = new WsWebSocketContainer();
            ws = new WebSocketStompClient(new StandardWebSocketClient(wsContainer));
            ws.setMessageConverter(new AnyContentConverter());
            ws.setTaskScheduler(scheduler);
            tcp = null;
            connecting = ws.connectAsync("ws://127.0.0.1:" + broker.port("ws") + "/stomp", new WebSocketHttpHeaders(),
                    connectHeaders, handler);
        }
        session = connecting.get(20, TimeUnit.SECONDS);
        session.setAutoReceipt(true);
    }

    static StompHeaders login(String user, String password) {
        StompHeaders h = new StompHeaders();
        h.setLogin(user);
        h.setPasscode(password);
        return h;
    }

    /** Subscribes and waits for the broker's receipt; messages collect in the returned queue. */
    BlockingQueue<Received> subscribe(StompHeaders headers) throws Exception {
        BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        StompSession.Subscription sub = session.subscribe(headers, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders h) {
                return byte[].class;
            }

            @Override
            public void handleFrame(StompHeaders h, Object payload) {
                inbox.add(new Received(h, new String((byte[]) payload, StandardCharsets.UTF_8)));
            }
        });
        sub.addReceiptTask(() -> receipt.complete(null));
        sub.addReceiptLostTask(() -> receipt.completeExceptionally(new AssertionError("no receipt for SUBSCRIBE")));
        receipt.get(20, TimeUnit.SECONDS);
        return inbox;
    }

    BlockingQueue<Received> subscribe(String destination) throws Exception {
        StompHeaders h = new StompHeaders();
        h.setDestination(destination);
        return subscribe(h);
    }

    /** Sends and waits for the broker's receipt (which for persistent messages means stored). */
    void send(StompHeaders headers, String body) throws Exception {
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        StompSession.Receiptable r = session.send(headers, body.getBytes(StandardCharsets.UTF_8));
        r.addReceiptTask(() -> receipt.complete(null));
        r.addReceiptLostTask(() -> receipt.completeExceptionally(new AssertionError("no receipt for SEND")));
        receipt.get(20, TimeUnit.SECONDS);
    }

    void send(String destination, String body) throws Exception {
        StompHeaders h = new StompHeaders();
        h.setDestination(destination);
        send(h, body);
    }

    void ack(Received m, boolean consumed) throws Exception {
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        StompSession.Receiptable r = session.acknowledge(m.headers().getAck(), consumed);
        r.addReceiptTask(() -> receipt.complete(null));
        r.addReceiptLostTask(() -> receipt.completeExceptionally(new AssertionError("no receipt for ACK")));
        receipt.get(20, TimeUnit.SECONDS);
    }

    static Received next(BlockingQueue<Received> inbox) throws InterruptedException {
        Received r = inbox.poll(20, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no message within 20 s");
        }
        return r;
    }

    @Override
    public void close() {
        try {
            if (session.isConnected()) {
                session.disconnect();
            }
        } finally {
            if (tcp != null) {
                tcp.shutdown();
            }
            if (wsContainer != null) {
                wsContainer.destroy();
            }
            scheduler.shutdown();
        }
    }

    static boolean isError(StompCommand c) {
        return c == StompCommand.ERROR;
    }
}
