package io.ferrymq.bench.driver.stomp;

import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.Driver;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.IdleLink;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.ProducerSpec;
import io.netty.channel.ChannelOption;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompReactorNettyCodec;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.messaging.tcp.reactor.ReactorNettyTcpClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * STOMP through Spring's {@link ReactorNettyTcpStompClient}, the client the protocol tests use. One
 * Netty event-loop group and one receipt timer serve every connection of the run; each link is its own
 * TCP connection and STOMP session.
 *
 * <p>Spring's client writes each frame synchronously ({@code StompSession.send} waits until the frame is
 * written to the socket), so a producer link sends at most one frame at a time; confirmations (receipts)
 * still overlap up to the run's confirm window.
 */
public final class SpringStompDriver implements Driver {

    static final long CONNECT_TIMEOUT_SECONDS = 30;
    private static final long RECEIPT_TIME_LIMIT_MILLIS = 30_000;

    private final Endpoint endpoint;
    private final DriverErrors errors;
    private final LoopResources loops;
    private final ThreadPoolTaskScheduler timer = new ThreadPoolTaskScheduler();
    private final ReactorNettyTcpStompClient client;

    public SpringStompDriver(Endpoint endpoint, DriverErrors errors) {
        this.endpoint = endpoint;
        this.errors = errors;
        this.loops = LoopResources.create("bench-stomp", Math.max(2, Runtime.getRuntime().availableProcessors()), true);
        TcpClient tcp = TcpClient.newConnection().host(endpoint.host()).port(endpoint.port()).runOn(loops)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        if (endpoint.tls() != null) {
            io.netty.handler.ssl.SslContext ssl = endpoint.tls().nettyClientContext();
            tcp = tcp.secure(spec -> spec.sslContext(ssl));
        }
        timer.setPoolSize(1);
        timer.setDaemon(true);
        timer.setThreadNamePrefix("bench-receipts-");
        // Each receipt arms a timeout task; without this, cancelled ones would pile up until they expire.
        timer.setRemoveOnCancelPolicy(true);
        timer.initialize();
        client = new ReactorNettyTcpStompClient(new ReactorNettyTcpClient<>(tcp, new StompReactorNettyCodec()));
        client.setTaskScheduler(timer);
        client.setDefaultHeartbeat(new long[] {0, 0});
        client.setReceiptTimeLimit(RECEIPT_TIME_LIMIT_MILLIS);
    }

    @Override
    public ProducerLink openProducer(ProducerSpec spec) throws Exception {
        return new SpringStompProducer(connect("producer " + spec.id()).get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                endpoint.destination(spec.kind(), spec.destination()));
    }

    @Override
    public ConsumerLink openConsumer(ConsumerSpec spec, MessageListener listener) throws Exception {
        StompSession session = connect("consumer " + spec.id()).get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        try {
            return SpringStompConsumer.subscribe(session, endpoint, spec, listener, errors);
        } catch (Exception e) {
            session.disconnect();
            throw e;
        }
    }

    @Override
    public CompletableFuture<IdleLink> connectIdle() {
        return connect("idle").thenApply(session -> () -> {
            if (session.isConnected()) {
                session.disconnect();
            }
        });
    }

    private CompletableFuture<StompSession> connect(String who) {
        StompHeaders connect = new StompHeaders();
        connect.setLogin(endpoint.username());
        connect.setPasscode(endpoint.password());
        if (endpoint.virtualHost() != null) {
            connect.setHost(endpoint.virtualHost());
        }
        return client.connectAsync(connect, new StompSessionHandlerAdapter() {
            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                errors.report(who + ": ERROR " + headers.getFirst("message"));
            }

            @Override
            public void handleException(StompSession s, StompCommand command, StompHeaders headers, byte[] payload,
                                        Throwable exception) {
                errors.report(who + ": " + exception);
            }

            @Override
            public void handleTransportError(StompSession s, Throwable exception) {
                errors.report(who + ": transport " + exception);
            }
        });
    }

    @Override
    public void close() {
        client.shutdown();
        timer.shutdown();
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
    }
}
