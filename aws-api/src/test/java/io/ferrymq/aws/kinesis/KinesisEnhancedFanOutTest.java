package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Enhanced fan-out with the AWS SDK v2: consumer registration and its states, and SubscribeToShard over HTTP/2
 * (the SDK's Netty client with prior knowledge to an {@code http://} endpoint) with event-stream framing.
 */
class KinesisEnhancedFanOutTest {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisEnhancedFanOutTest.class);

    private static AwsTestBroker broker;
    private static KinesisClient kinesis;
    private static KinesisAsyncClient async;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
        kinesis = broker.kinesis();
        async = KinesisAsyncClient.builder().endpointOverride(broker.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2)
                        .readTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    @AfterAll
    static void stop() {
        async.close();
        broker.close();
    }

    private static String stream(int shards) {
        String name = AwsTestBroker.unique("efo");
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
        return name;
    }

    private static String arn(String stream) {
        return kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamARN();
    }

    private static Consumer activeConsumer(String streamArn, String name) {
        Consumer c = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName(name)).consumer();
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamConsumer(b -> b.consumerARN(
                c.consumerARN())).consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
        return c;
    }

    @Test
    void consumersAreRegisteredListedDescribedAndDeregistered() {
        String streamArn = arn(stream(1));
        Consumer c = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("app-1")).consumer();
        assertThat(c.consumerStatus()).isEqualTo(ConsumerStatus.CREATING);
        assertThat(c.consumerARN()).startsWith(streamArn + "/consumer/app-1:");
        assertThat(c.consumerCreationTimestamp()).isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStreamConsumer(b -> b.streamARN(streamArn)
                .consumerName("app-1")).consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
        ConsumerDescription d = kinesis.describeStreamConsumer(b -> b.consumerARN(c.consumerARN()))
                .consumerDescription();
        assertThat(d.streamARN()).isEqualTo(streamArn);
        assertThat(d.consumerName()).isEqualTo("app-1");

        kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("app-2"));
        assertThat(kinesis.describeStreamSummary(b -> b.streamARN(streamArn)).streamDescriptionSummary()
                .consumerCount()).isEqualTo(2);
        assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers())
                .extracting(Consumer::consumerName).containsExactly("app-1", "app-2");
        var page = kinesis.listStreamConsumers(b -> b.streamARN(streamArn).maxResults(1));
        assertThat(page.consumers()).extracting(Consumer::consumerName).containsExactly("app-1");
        assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn).nextToken(page.nextToken())).consumers())
                .extracting(Consumer::consumerName).containsExactly("app-2");

        assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("app-1")))
                .isInstanceOf(ResourceInUseException.class);
        assertThatThrownBy(() -> kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("bad name")))
                .hasMessageContaining("consumerName");

        kinesis.deregisterStreamConsumer(b -> b.consumerARN(c.consumerARN()));
        assertThat(kinesis.describeStreamConsumer(b -> b.consumerARN(c.consumerARN())).consumerDescription()
                .consumerStatus()).isEqualTo(ConsumerStatus.DELETING);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThatThrownBy(() ->
                kinesis.describeStreamConsumer(b -> b.consumerARN(c.consumerARN())))
                .isInstanceOf(ResourceNotFoundException.class));
        assertThat(kinesis.listStreamConsumers(b -> b.streamARN(streamArn)).consumers())
                .extracting(Consumer::consumerName).containsExactly("app-2");
    }

    /** A running SubscribeToShard call and what it received. */
    record Subscription(CompletableFuture<Void> call, ConcurrentLinkedQueue<SubscribeToShardEvent> events,
                        CompletableFuture<Void> initial, ConcurrentLinkedQueue<Long> receivedNanos) {
        List<Record> records() {
            List<Record> out = new ArrayList<>();
            events.forEach(e -> out.addAll(e.records()));
            return out;
        }
    }

    private static Subscription subscribe(String consumerArn, String shardId, ShardIteratorType type) {
        ConcurrentLinkedQueue<SubscribeToShardEvent> events = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> received = new ConcurrentLinkedQueue<>();
        CompletableFuture<Void> initial = new CompletableFuture<>();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onResponse(r -> initial.complete(null))
                .onError(initial::completeExceptionally)
                .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(e -> {
                    long now = System.nanoTime();
                    e.records().forEach(r -> received.add(now));
                    events.add(e);
                }).build())
                .build();
        CompletableFuture<Void> call = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
                .startingPosition(p -> p.type(type)), handler);
        return new Subscription(call, events, initial, received);
    }

    @Test
    void subscribeToShardDeliversRecordsPutAfterSubscribingInOrder() throws Exception {
        String name = stream(1);
        Consumer c = activeConsumer(arn(name), "reader");
        Subscription s = subscribe(c.consumerARN(), "shardId-000000000000", ShardIteratorType.LATEST);
        s.initial().get(30, TimeUnit.SECONDS);

        List<String> sequences = new ArrayList<>();
        List<Long> sentNanos = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String data = "event-" + i;
            sentNanos.add(System.nanoTime());
            sequences.add(kinesis.putRecord(b -> b.streamName(name).partitionKey("k")
                    .data(SdkBytes.fromString(data, StandardCharsets.UTF_8))).sequenceNumber());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> s.records().size() >= 50);
        List<Record> got = s.records();
        assertThat(got).extracting(r -> r.data().asUtf8String())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "event-" + i).toList());
        assertThat(got).extracting(Record::sequenceNumber).containsExactlyElementsOf(sequences);
        assertThat(got.get(0).partitionKey()).isEqualTo("k");
        assertThat(got.get(0).approximateArrivalTimestamp()).isNotNull();
        SubscribeToShardEvent last = null;
        for (SubscribeToShardEvent e : s.events()) {
            if (!e.records().isEmpty()) {
                last = e;
            }
        }
        assertThat(last.continuationSequenceNumber()).isEqualTo(sequences.get(49));
        assertThat(last.millisBehindLatest()).isZero();
        assertThat(s.call()).isNotDone();
        s.call().cancel(true);
    }

    @Test
    void anIdleSubscriptionWaitsForRecordsWithoutPollingTheShard() throws Exception {
        // A broker of its own: the subscriptions of the other tests would look at their shards meanwhile.
        try (AwsTestBroker own = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
             KinesisAsyncClient ownAsync = KinesisAsyncClient.builder().endpointOverride(own.endpoint())
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                     .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2)
                             .readTimeout(Duration.ofSeconds(60)))
                     .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                     .build()) {
            KinesisClient k = own.kinesis();
            k.createStream(b -> b.streamName("idle").shardCount(1));
            k.waiter().waitUntilStreamExists(b -> b.streamName("idle"));
            String streamArn = k.describeStreamSummary(b -> b.streamName("idle")).streamDescriptionSummary().streamARN();
            Consumer c = k.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("idle-reader")).consumer();
            await().atMost(Duration.ofSeconds(30)).until(() -> k.describeStreamConsumer(b -> b.consumerARN(
                    c.consumerARN())).consumerDescription().consumerStatus() == ConsumerStatus.ACTIVE);
            ConcurrentLinkedQueue<Record> records = new ConcurrentLinkedQueue<>();
            CompletableFuture<Void> initial = new CompletableFuture<>();
            CompletableFuture<Void> call = ownAsync.subscribeToShard(b -> b.consumerARN(c.consumerARN())
                    .shardId("shardId-000000000000").startingPosition(p -> p.type(ShardIteratorType.LATEST)),
                    SubscribeToShardResponseHandler.builder().onResponse(r -> initial.complete(null))
                            .onError(initial::completeExceptionally)
                            .subscriber(SubscribeToShardResponseHandler.Visitor.builder()
                                    .onSubscribeToShardEvent(e -> records.addAll(e.records())).build())
                            .build());
            initial.get(30, TimeUnit.SECONDS);
            var streams = own.embedded().broker().streams();
            long before = streams.shardLookups();
            // Idle for a second (less than the 5 s heartbeat): a polling subscription looks hundreds of times.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> streams.shardLookups() - before <= 1);

            k.putRecord(b -> b.streamName("idle").partitionKey("k").data(SdkBytes.fromUtf8String("wake")));
            await().atMost(Duration.ofSeconds(30)).until(() -> records.size() == 1);
            assertThat(records.peek().data().asUtf8String()).isEqualTo("wake");
            call.cancel(true);
        }
    }

    @Test
    void subscribeToShardStartsAtTrimHorizonAndMeasuresLatency() throws Exception {
        String name = stream(2);
        kinesis.putRecord(b -> b.streamName(name).partitionKey("k").explicitHashKey("0")
                .data(SdkBytes.fromUtf8String("before")));
        Consumer c = activeConsumer(arn(name), "latency");
        Subscription s = subscribe(c.consumerARN(), "shardId-000000000000", ShardIteratorType.TRIM_HORIZON);
        await().atMost(Duration.ofSeconds(30)).until(() -> s.records().size() == 1);
        assertThat(s.records().get(0).data().asUtf8String()).isEqualTo("before");

        // One record at a time, each waited for: put (with its fsync) to event, as a subscriber sees it.
        List<Long> micros = new ArrayList<>();
        List<Long> putMicros = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int before = s.receivedNanos().size();
            long sent = System.nanoTime();
            kinesis.putRecord(b -> b.streamName(name).partitionKey("k").explicitHashKey("0")
                    .data(SdkBytes.fromUtf8String("timed")));
            putMicros.add((System.nanoTime() - sent) / 1000);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> s.receivedNanos().size() > before);
            long got = new ArrayList<>(s.receivedNanos()).get(before);
            micros.add((got - sent) / 1000);
        }
        micros.sort(Long::compare);
        putMicros.sort(Long::compare);
        assertThat(s.records()).hasSize(31);
        LOG.info("SubscribeToShard latency, PutRecord sent -> event received (us): p50 {} p90 {} max {};"
                + " PutRecord round trip alone (us): p50 {} p90 {} max {}", micros.get(15), micros.get(27),
                micros.get(29), putMicros.get(15), putMicros.get(27), putMicros.get(29));
        s.call().cancel(true);
    }

    @Test
    void ordinaryActionsWorkOverHttp2Too() throws Exception {
        String name = stream(1);
        String sequence = async.putRecord(b -> b.streamName(name).partitionKey("h2")
                .data(SdkBytes.fromUtf8String("over h2"))).get(30, TimeUnit.SECONDS).sequenceNumber();
        String it = async.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).get(30, TimeUnit.SECONDS).shardIterator();
        List<Record> records = async.getRecords(b -> b.shardIterator(it)).get(30, TimeUnit.SECONDS).records();
        assertThat(records).extracting(Record::sequenceNumber).containsExactly(sequence);
        assertThat(records.get(0).data().asUtf8String()).isEqualTo("over h2");
        assertThatThrownBy(() -> async.describeStream(b -> b.streamName(name + "-missing")).get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aSecondSubscriptionWithinFiveSecondsIsRefused() throws Exception {
        String name = stream(1);
        Consumer c = activeConsumer(arn(name), "twice");
        Subscription first = subscribe(c.consumerARN(), "shardId-000000000000", ShardIteratorType.LATEST);
        first.initial().get(30, TimeUnit.SECONDS);
        Subscription second = subscribe(c.consumerARN(), "shardId-000000000000", ShardIteratorType.LATEST);
        assertThatThrownBy(() -> second.call().get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(
                ResourceInUseException.class);
        first.call().cancel(true);
    }

    @Test
    void subscribingNeedsAnActiveConsumerAndAnExistingShard() {
        String name = stream(1);
        String streamArn = arn(name);
        Consumer creating = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("new"))
                .consumer();
        AtomicReference<Subscription> s = new AtomicReference<>(subscribe(creating.consumerARN(),
                "shardId-000000000000", ShardIteratorType.LATEST));
        assertThatThrownBy(() -> s.get().call().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ResourceInUseException.class);
        Consumer c = activeConsumer(streamArn, "ready");
        Subscription missingShard = subscribe(c.consumerARN(), "shardId-000000000007", ShardIteratorType.LATEST);
        assertThatThrownBy(() -> missingShard.call().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ResourceNotFoundException.class);
        Subscription missingConsumer = subscribe(streamArn + "/consumer/nobody:1", "shardId-000000000000",
                ShardIteratorType.LATEST);
        assertThatThrownBy(() -> missingConsumer.call().get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ResourceNotFoundException.class);
    }
}
