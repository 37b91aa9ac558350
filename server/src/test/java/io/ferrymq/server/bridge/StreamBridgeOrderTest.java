package io.ferrymq.server.bridge;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.stream.AppendResult;
import io.ferrymq.core.stream.StreamRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bridge whose first append to the stream fails: the device's messages still reach the stream in the order it
 * published them, including those it published while the failed batch waited to be appended again.
 */
class StreamBridgeOrderTest {

    /** Publishes the device's messages one after the other (each once the previous one is stored). */
    private static CompletableFuture<Void> publish(Session s, String device, int from, int to) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = from; i < to; i++) {
            Message m = Message.builder().routingKey("trucks." + device + ".telemetry").durable(true)
                    .body((device + "-" + i).getBytes(StandardCharsets.UTF_8)).build();
            chain = chain.thenCompose(v -> s.sendStoredWith(Route.topic("trucks." + device + ".telemetry"), m,
                    List.of())).thenApply(r -> null);
        }
        return chain;
    }

    @Test
    void aFailedAppendKeepsEachDevicesOrder() throws Exception {
        Broker broker = Broker.start(new BrokerOptions(BrokerRuntime.threaded(2), null,
                new ConfiguredRealm(List.of(), List.of(), null), null, 0, 30_000, List.of("/")));
        try {
            Session publisher = broker.systemSession("/");
            AtomicInteger appends = new AtomicInteger();
            // The device publishes in order: its later messages only once its first five are in the queue.
            CompletableFuture<Void> firstFive = new CompletableFuture<>();
            StreamBridge.Appender failingOnce = (session, stream, records, on) -> {
                if (appends.getAndIncrement() == 0) {
                    // While this batch fails, the device goes on publishing.
                    return firstFive.thenCompose(v -> publish(publisher, "t1", 5, 10))
                            .thenCompose(v -> CompletableFuture.<List<AppendResult>>
                            failedFuture(new BrokerException(ErrorCode.UNAVAILABLE,
                                    "injected: the stream store is unavailable")));
                }
                return broker.streams().append(session, stream, records, (shard, bytes) -> true, on);
            };
            StreamBridge.Definition def = new StreamBridge.Definition("trucks", "/", Route.TOPIC_EXCHANGE,
                    "trucks.*.telemetry", "telemetry", 1, new StreamBridge.PartitionKey.Topic());
            StreamBridge bridge = new StreamBridge(broker, def, failingOnce);
            bridge.start().get(30, TimeUnit.SECONDS);
            try {
                publish(publisher, "t1", 0, 5).get(30, TimeUnit.SECONDS);
                firstFive.complete(null);
                List<String> got = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    got.clear();
                    for (StreamRecord r : broker.streams().read(publisher, "telemetry", 0, 0, 1000, 1 << 20,
                            Runnable::run).get(30, TimeUnit.SECONDS).records()) {
                        got.add(new String(r.data(), StandardCharsets.UTF_8));
                    }
                    return got.size() >= 10;
                });
                assertThat(appends.get()).isGreaterThanOrEqualTo(2);
                assertThat(got).containsExactly("t1-0", "t1-1", "t1-2", "t1-3", "t1-4", "t1-5", "t1-6", "t1-7", "t1-8",
                        "t1-9");
            } finally {
                bridge.close();
            }
        } finally {
            broker.close();
        }
    }
}
