package io.ferrymq.aws.firehose;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.ExtendedS3DestinationConfiguration;
import software.amazon.awssdk.services.firehose.model.Record;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.ferrymq.aws.firehose.FirehoseTestBroker.bytes;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.content;
import static io.ferrymq.aws.firehose.FirehoseTestBroker.objects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** DirectPut delivery streams writing S3-style objects into a bucket's directory, with the AWS SDK v2. */
class FirehoseDirectoryDeliveryTest {

    @TempDir
    Path buckets;

    private FirehoseTestBroker broker;
    private FirehoseClient firehose;

    @BeforeEach
    void start() {
        broker = FirehoseTestBroker.start(buckets);
        firehose = broker.firehose();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void create(String name, CompressionFormat compression, int sizeMiB, int intervalSeconds) {
        firehose.createDeliveryStream(b -> b.deliveryStreamName(name).extendedS3DestinationConfiguration(
                ExtendedS3DestinationConfiguration.builder().bucketARN("arn:aws:s3:::logs")
                        .roleARN("arn:aws:iam::000000000000:role/firehose").prefix("app/")
                        .compressionFormat(compression)
                        .bufferingHints(h -> h.sizeInMBs(sizeMiB).intervalInSeconds(intervalSeconds)).build()));
        FirehoseTestBroker.awaitActive(firehose, name);
    }

    @Test
    void anIntervalFlushWritesOneObjectUnderTheTimePathWithExactlyTheRecords() {
        create("clicks", CompressionFormat.UNCOMPRESSED, 5, 60);
        firehose.putRecord(b -> b.deliveryStreamName("clicks").record(r -> r.data(bytes("one\n"))));
        var batch = firehose.putRecordBatch(b -> b.deliveryStreamName("clicks").records(
                Record.builder().data(bytes("two\n")).build(), Record.builder().data(bytes("three\n")).build()));
        assertThat(batch.failedPutCount()).isZero();
        assertThat(batch.requestResponses()).allSatisfy(r -> assertThat(r.recordId()).isNotBlank());

        Path bucket = buckets.resolve("logs");
        // Less than the interval has passed on the broker's clock: nothing is written.
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> objects(bucket).isEmpty());
        broker.advance(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 1);

        String key = objects(bucket).get(0);
        assertThat(key).matches("app/2026/03/04/05/clicks-1-2026-03-04-05-06-07-"
                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(new String(content(bucket.resolve(key)), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void gzipObjectsEndInGzAndDecompressToTheRecords() {
        create("zipped", CompressionFormat.GZIP, 5, 0);
        List<Record> records = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String line = "{\"n\":" + i + ",\"text\":\"record number " + i + "\"}\n";
            records.add(Record.builder().data(bytes(line)).build());
            expected.append(line);
        }
        firehose.putRecordBatch(b -> b.deliveryStreamName("zipped").records(records));
        Path bucket = buckets.resolve("logs");
        await().atMost(Duration.ofSeconds(30)).until(() -> String.join("", objects(bucket).stream()
                .map(k -> new String(content(bucket.resolve(k)), StandardCharsets.UTF_8)).toList())
                .length() == expected.length());
        assertThat(objects(bucket)).allSatisfy(k -> assertThat(k).startsWith("app/2026/03/04/05/zipped-1-")
                .endsWith(".gz"));
        String all = String.join("", objects(bucket).stream()
                .map(k -> new String(content(bucket.resolve(k)), StandardCharsets.UTF_8)).toList());
        assertThat(all).isEqualTo(expected.toString());
    }

    @Test
    void aBufferThatReachesItsSizeIsFlushedBeforeTheInterval() {
        create("big", CompressionFormat.UNCOMPRESSED, 1, 900);
        byte[] chunk = new byte[100_000];
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 12; i++) {
            Arrays.fill(chunk, (byte) ('a' + i));
            byte[] data = chunk.clone();
            expected.writeBytes(data);
            firehose.putRecord(b -> b.deliveryStreamName("big").record(r -> r.data(SdkBytes.fromByteArray(data))));
        }
        Path bucket = buckets.resolve("logs");
        // 1.2 MB against a 1 MiB buffer: the first MiB or so goes out without any time passing.
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 1);
        String firstKey = objects(bucket).get(0);
        byte[] first = content(bucket.resolve(firstKey));
        assertThat(first.length).isGreaterThanOrEqualTo(1024 * 1024).isLessThan(1_200_000);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> objects(bucket).size() == 1);

        // The rest once the interval has passed.
        broker.advance(Duration.ofSeconds(900));
        await().atMost(Duration.ofSeconds(30)).until(() -> objects(bucket).size() == 2);
        // Both objects carry the same second in their names: the first is the one seen first.
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(first);
        objects(bucket).stream().filter(k -> !k.equals(firstKey)).forEach(k -> all.writeBytes(content(bucket.resolve(k))));
        assertThat(all.size()).isEqualTo(expected.size());
        assertThat(all.toByteArray()).isEqualTo(expected.toByteArray());
    }
}
