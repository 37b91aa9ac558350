package io.ferrymq.aws.firehose;

import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.transport.testing.EmbeddedBroker;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.awaitility.Awaitility.await;

/**
 * A broker with the AWS endpoint whose Firehose buckets are subdirectories of {@code buckets}, on a manual clock
 * (so buffering intervals pass when a test says so), optionally with durable storage; and SDK clients for it.
 * {@link #crash()} stops it without the clean shutdown's flush of Firehose buffers.
 */
final class FirehoseTestBroker implements AutoCloseable {

    /** 2026-03-04T05:06:07.250Z: a time whose path and stamp a test can spell out. */
    static final long START = Instant.parse("2026-03-04T05:06:07.250Z").toEpochMilli();

    private final EmbeddedBroker broker;
    private final AwsApiProtocol protocol;
    private final AtomicLong clock;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private boolean closed;

    FirehoseTestBroker(Path buckets, Path dataDir, AtomicLong clock, boolean throughputLimits) {
        this.clock = clock;
        AwsApiSettings settings = AwsApiSettings.defaults().withKinesisThroughputLimits(throughputLimits)
                .withFirehoseBuckets(Map.of("*", buckets.toString()));
        AwsApiProtocol[] made = new AwsApiProtocol[1];
        EmbeddedBroker.Builder b = EmbeddedBroker.builder().protocol(br -> made[0] = new AwsApiProtocol(br, settings))
                .tcp("http", "aws").clock(clock::get);
        if (dataDir != null) {
            b.durable(dataDir);
        }
        this.broker = b.start();
        this.protocol = made[0];
    }

    static FirehoseTestBroker start(Path buckets) {
        return new FirehoseTestBroker(buckets, null, new AtomicLong(START), false);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + broker.port("http"));
    }

    long now() {
        return clock.get();
    }

    void advance(Duration d) {
        clock.addAndGet(d.toMillis());
    }

    FirehoseClient firehose() {
        FirehoseClient c = FirehoseClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        clients.add(c);
        return c;
    }

    KinesisClient kinesis() {
        KinesisClient c = KinesisClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        clients.add(c);
        return c;
    }

    /** Waits until the delivery stream is ACTIVE. */
    static void awaitActive(FirehoseClient firehose, String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> firehose.describeDeliveryStream(b -> b.deliveryStreamName(name))
                .deliveryStreamDescription().deliveryStreamStatus() == DeliveryStreamStatus.ACTIVE);
    }

    static SdkBytes bytes(String s) {
        return SdkBytes.fromUtf8String(s);
    }

    /** The objects (files) under a directory, as paths relative to it, sorted; hidden temporary files left out. */
    static List<String> objects(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .map(p -> dir.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An object's content, gunzipped if its name ends in .gz. */
    static byte[] content(Path file) {
        try {
            byte[] raw = Files.readAllBytes(file);
            if (!file.toString().endsWith(".gz")) {
                return raw;
            }
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops as a crash would for Firehose: the broker goes away without delivering what deliverers buffer. */
    void crash() {
        closeClients();
        closed = true;
        broker.close();
    }

    private void closeClients() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing anyway.
            }
        }
        clients.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeClients();
        protocol.close();
        broker.close();
    }
}
