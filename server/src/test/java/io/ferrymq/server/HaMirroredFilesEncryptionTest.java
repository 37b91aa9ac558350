package io.ferrymq.server;

import io.ferrymq.ha.HaNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The files an HA pair mirrors besides the journal (page files, and the stream segments a resync copies) are
 * sealed with each member's own at-rest key, or kept plain by a member without one: the members may have
 * different keys, or only one of them a key. Paged messages and stream records written both before the standby
 * joins (copied by the resync) and after (shipped as they are written) are all read back, in order, from the
 * standby after a failover, and no body is in plain text under an encrypting member's data directory.
 */
class HaMirroredFilesEncryptionTest {

    private static final String SECRET = "mirrored-secret-";
    private static final String PADDING = "p".repeat(1024);
    private static final int PER_PHASE = 1_500;
    private static final int CONSUMED_ON_ACTIVE = 2_200;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "node-a key: {0}, node-b key: {1}")
    @CsvSource({"true, true", "true, false", "false, true"})
    void pagesAndStreamSegmentsAreSealedWithEachMembersOwnKeyAndReadAfterAFailover(boolean aEncrypts,
                                                                                  boolean bEncrypts) throws Exception {
        Path keyA = aEncrypts ? dir.resolve("a.key") : null;
        Path keyB = bEncrypts ? dir.resolve("b.key") : null;
        if (keyA != null) {
            io.ferrymq.core.atrest.AtRestKey.generate(keyA);
        }
        if (keyB != null) {
            io.ferrymq.core.atrest.AtRestKey.generate(keyB);
        }
        try (InProcessPair pair = new InProcessPair(dir, "2MiB", keyA, keyB)) {
            pair.nodeA.start();
            await().atMost(WAIT).until(() -> pair.nodeA.role() == HaNode.Role.ACTIVE);
            List<String> records = new ArrayList<>();
            try (KinesisClient onA = kinesis(pair.a.port("aws"))) {
                onA.createStream(b -> b.streamName("ledger").shardCount(1));
                await().atMost(WAIT).until(() -> onA.describeStreamSummary(b -> b.streamName("ledger"))
                        .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
                // About 2.5 MB before the standby joins: the resync copies the segment in several pieces.
                put(onA, "before", 500, 5_000, records);
                produce(pair.a.port("stomp"), "before", PER_PHASE);

                pair.nodeB.start();
                await().atMost(WAIT).until(() -> String.valueOf(pair.nodeA.status().standby()).contains("node-b in sync"));
                put(onA, "after", 100, 100, records);
                produce(pair.a.port("stomp"), "after", PER_PHASE);
            }
            assertThat(files(dir.resolve("node-a").resolve("paging"), ".pg")).as("node-a pages").isNotEmpty();
            assertThat(files(dir.resolve("node-b").resolve("paging"), ".pg")).as("node-b mirrors the pages").isNotEmpty();
            if (aEncrypts) {
                assertNoPlaintext(dir.resolve("node-a"));
            }
            if (bEncrypts) {
                assertNoPlaintext(dir.resolve("node-b"));
            }

            List<String> expected = new ArrayList<>();
            for (String phase : List.of("before", "after")) {
                for (int i = 0; i < PER_PHASE; i++) {
                    expected.add(phase + "-" + i);
                }
            }
            // Reading most of the queue on the active reads page files back: the page cursor the standby's journal
            // gets then stands inside a page file, whose copy on the standby has another layout than the original
            // unless both seal.
            List<String> consumedOnA = consumeAndAcknowledge(pair.a.port("stomp"), CONSUMED_ON_ACTIVE);
            assertThat(consumedOnA).containsExactlyElementsOf(expected.subList(0, CONSUMED_ON_ACTIVE));

            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);

            List<String> received = PagingProcessTest.consumeAll(pair.b.port("stomp"), "sealed",
                    expected.size() - CONSUMED_ON_ACTIVE);
            // At least once: the new active may deliver again some of what the old one delivered last.
            received.removeAll(consumedOnA);
            assertThat(received.stream().distinct().toList()).as("every paged message not consumed yet, in order")
                    .containsExactlyElementsOf(expected.subList(CONSUMED_ON_ACTIVE, expected.size()));
            try (KinesisClient onB = kinesis(pair.b.port("aws"))) {
                assertThat(readAll(onB)).as("every stream record, in order").containsExactlyElementsOf(records);
            }
            if (bEncrypts) {
                assertNoPlaintext(dir.resolve("node-b"));
            }
        }
    }

    private static void assertNoPlaintext(Path dataDir) throws IOException {
        byte[] secret = SECRET.getBytes(StandardCharsets.US_ASCII);
        List<Path> all = files(dataDir, "");
        assertThat(all).isNotEmpty();
        for (Path f : all) {
            byte[] content = Files.readAllBytes(f);
            assertThat(indexOf(content, secret)).as("plain text of a body in %s", f).isEqualTo(-1);
        }
    }

    private static int indexOf(byte[] content, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= content.length; i++) {
            for (int k = 0; k < what.length; k++) {
                if (content[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static KinesisClient kinesis(int port) {
        return KinesisClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDHA", "x")))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** Puts {@code count} records in batches of 50 and adds their data to {@code records}, in sequence order. */
    private static void put(KinesisClient kinesis, String phase, int count, int size, List<String> records) {
        String pad = "r".repeat(size);
        for (int from = 0; from < count; from += 50) {
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            List<String> data = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 50); i++) {
                String d = SECRET + phase + "-" + i + "-" + pad;
                data.add(d);
                batch.add(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String(d)).build());
            }
            List<PutRecordsResultEntry> results = kinesis.putRecords(b -> b.streamName("ledger").records(batch)).records();
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).errorCode()).isNull();
            }
            records.addAll(data);
        }
    }

    private static List<String> readAll(KinesisClient kinesis) {
        String shard = kinesis.listShards(b -> b.streamName("ledger")).shards().get(0).shardId();
        String it = kinesis.getShardIterator(b -> b.streamName("ledger").shardId(shard)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<String> out = new ArrayList<>();
        while (it != null) {
            String current = it;
            // Reads are limited per shard and second, as on AWS: a throttled read is simply repeated.
            GetRecordsResponse r = await().atMost(WAIT).ignoreExceptionsInstanceOf(
                    ProvisionedThroughputExceededException.class).until(
                    () -> kinesis.getRecords(b -> b.shardIterator(current)), x -> true);
            for (Record rec : r.records()) {
                out.add(rec.data().asUtf8String());
            }
            it = r.nextShardIterator();
            if (r.records().isEmpty()) {
                break;
            }
        }
        return out;
    }

    /** Sends persistent messages over STOMP, at most 64 without a receipt, and waits for every receipt. */
    private static void produce(int stompPort, String phase, int count) throws Exception {
        try (Socket s = PagingProcessTest.connect(stompPort)) {
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
            InputStream in = new BufferedInputStream(s.getInputStream());
            int receipted = 0;
            for (int i = 0; i < count; i++) {
                if (i - receipted >= 64) {
                    out.flush();
                    assertThat(PagingProcessTest.readFrame(in)).startsWith("RECEIPT");
                    receipted++;
                }
                String body = SECRET + phase + "-" + i + "-" + PADDING;
                out.write(("SEND\ndestination:/queue/sealed\npersistent:true\nseq:" + phase + "-" + i + "\nreceipt:"
                        + i + "\ncontent-length:" + body.length() + "\n\n" + body + "\0").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (receipted < count) {
                assertThat(PagingProcessTest.readFrame(in)).startsWith("RECEIPT");
                receipted++;
            }
        }
    }

    /**
     * The first {@code count} messages, each acknowledged by itself; those delivered after them go back to the
     * queue unacknowledged. Returns once the broker has every acknowledgement (the receipt of the DISCONNECT).
     */
    private static List<String> consumeAndAcknowledge(int stompPort, int count) throws IOException {
        List<String> received = new ArrayList<>();
        try (Socket s = PagingProcessTest.connect(stompPort)) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            out.write("SUBSCRIBE\nid:0\ndestination:/queue/sealed\nack:client-individual\n\n\0"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (received.size() < count) {
                String f = PagingProcessTest.readFrame(in);
                assertThat(f).startsWith("MESSAGE");
                received.add(PagingProcessTest.header(f, "seq"));
                out.write(("ACK\nid:" + PagingProcessTest.header(f, "ack") + "\n\n\0").getBytes(StandardCharsets.UTF_8));
                if (received.size() % 64 == 0) {
                    out.flush();
                }
            }
            out.write("DISCONNECT\nreceipt:done\n\n\0".getBytes(StandardCharsets.UTF_8));
            out.flush();
            String f;
            do {
                f = PagingProcessTest.readFrame(in);
            } while (!f.startsWith("RECEIPT"));
        }
        return received;
    }
}
