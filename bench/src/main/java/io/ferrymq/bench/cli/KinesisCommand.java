package io.ferrymq.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ferrymq-bench kinesis}: PutRecords throughput, then GetRecords catch-up over what was written, then
 * (optionally) SubscribeToShard latency, through the AWS SDK v2 against any Kinesis endpoint (FerryMQ,
 * kinesis-mock, AWS). Prints one JSON object (and writes it with --json).
 */
@Command(name = "kinesis", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Kinesis load through the AWS SDK for Java v2: N clients looping PutRecords on one stream "
                + "created for the run, then one reader per shard catching up from TRIM_HORIZON with GetRecords, then "
                + "SubscribeToShard put->event latency (--subscribe)."})
final class KinesisCommand implements Callable<Integer> {

    @Option(names = "--endpoint-url", required = true, description = "The Kinesis endpoint, e.g. http://127.0.0.1:9334")
    URI endpoint;

    @Option(names = {"-n", "--clients"}, defaultValue = "8", description = "PutRecords clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--shards", defaultValue = "4", description = "Shards of the stream (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = {"-b", "--batch"}, defaultValue = "100", description = "Records per PutRecords (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = {"-s", "--size"}, defaultValue = "512", description = "Record bytes (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "PutRecords phase length (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--subscribe", description = "Also measure SubscribeToShard latency (needs HTTP/2 prior knowledge).")
    boolean subscribe;

    @Option(names = "--label", defaultValue = "kinesis", description = "Name of the run in the output.")
    String label;

    @Option(names = "--json", description = "Write the result to this file.")
    Path json;

    private KinesisClient client() {
        return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(clients + shards + 4)
                        .socketTimeout(Duration.ofSeconds(60)))
                .build();
    }

    @Override
    public Integer call() throws Exception {
        String stream = "bench-" + Long.toString(System.currentTimeMillis(), 36);
        ObjectNode out = new ObjectMapper().createObjectNode().put("label", label).put("stream", stream)
                .put("clients", clients).put("shards", shards).put("batch", batch).put("recordBytes", size);
        try (KinesisClient kinesis = client()) {
            kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                    != StreamStatus.ACTIVE) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("stream " + stream + " not ACTIVE within 60 s");
                }
                Thread.sleep(100);
            }
            put(kinesis, stream, out);
            catchUp(kinesis, stream, out);
            if (subscribe) {
                subscribeLatency(kinesis, stream, out);
            }
            kinesis.deleteStream(b -> b.streamName(stream));
        }
        String text = out.toPrettyString();
        System.out.println(text);
        if (json != null) {
            Files.writeString(json, text);
        }
        return 0;
    }

    private void put(KinesisClient kinesis, String stream, ObjectNode out) throws Exception {
        AtomicLong records = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Histogram latency = new Histogram(60_000_000L, 3);
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            running.add(pool.submit(() -> {
                byte[] data = new byte[size];
                ThreadLocalRandom.current().nextBytes(data);
                List<PutRecordsRequestEntry> entries = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + ThreadLocalRandom.current()
                            .nextInt(1_000_000)).data(SdkBytes.fromByteArray(data)).build());
                }
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    PutRecordsResponse r = kinesis.putRecords(b -> b.streamName(stream).records(entries));
                    long micros = (System.nanoTime() - t0) / 1000;
                    synchronized (latency) {
                        latency.recordValue(Math.min(micros, 60_000_000L));
                    }
                    records.addAndGet(batch - r.failedRecordCount());
                    failed.addAndGet(r.failedRecordCount());
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        ObjectNode p = out.putObject("putRecords");
        p.put("seconds", seconds).put("records", records.get()).put("failedRecords", failed.get())
                .put("recordsPerSec", records.get() / seconds)
                .put("mbPerSec", records.get() * (double) size / seconds / 1e6)
                .put("latencyP50Ms", latency.getValueAtPercentile(50) / 1000.0)
                .put("latencyP99Ms", latency.getValueAtPercentile(99) / 1000.0);
    }

    private void catchUp(KinesisClient kinesis, String stream, ObjectNode out) throws Exception {
        List<Shard> list = kinesis.listShards(b -> b.streamName(stream)).shards();
        ExecutorService pool = Executors.newFixedThreadPool(list.size());
        AtomicLong records = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (Shard shard : list) {
            running.add(pool.submit(() -> {
                String it = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType("TRIM_HORIZON")).shardIterator();
                while (it != null) {
                    String current = it;
                    GetRecordsResponse r = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                    calls.incrementAndGet();
                    records.addAndGet(r.records().size());
                    r.records().forEach(x -> bytes.addAndGet(x.data().asByteArrayUnsafe().length));
                    if (r.records().isEmpty() || r.millisBehindLatest() == 0 && r.records().size() < 10_000) {
                        break;
                    }
                    it = r.nextShardIterator();
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        out.putObject("getRecordsCatchUp").put("seconds", seconds).put("records", records.get())
                .put("calls", calls.get()).put("recordsPerSec", records.get() / seconds)
                .put("mbPerSec", bytes.get() / seconds / 1e6);
    }

    private void subscribeLatency(KinesisClient kinesis, String stream, ObjectNode out) throws Exception {
        String streamArn = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                .streamARN();
        String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("bench"))
                .consumer().consumerARN();
        while (kinesis.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription().consumerStatus()
                != ConsumerStatus.ACTIVE) {
            Thread.sleep(100);
        }
        String shardId = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
        String hashKey = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).hashKeyRange()
                .startingHashKey();
        Histogram latency = new Histogram(60_000_000L, 3);
        java.util.concurrent.LinkedBlockingQueue<Long> arrivals = new java.util.concurrent.LinkedBlockingQueue<>();
        try (KinesisAsyncClient async = KinesisAsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2)).build()) {
            CompletableFuture<Void> initial = new CompletableFuture<>();
            CompletableFuture<Void> call = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId(shardId)
                    .startingPosition(p -> p.type("LATEST")), SubscribeToShardResponseHandler.builder()
                    .onResponse(r -> initial.complete(null)).onError(initial::completeExceptionally)
                    .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(e ->
                            e.records().forEach(r -> arrivals.add(ByteBuffer.wrap(r.data().asByteArrayUnsafe())
                                    .getLong()))).build()).build());
            initial.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) {
                long sent = System.nanoTime();
                kinesis.putRecord(b -> b.streamName(stream).partitionKey("latency").explicitHashKey(hashKey)
                        .data(SdkBytes.fromByteBuffer(ByteBuffer.allocate(8).putLong(0, sent))));
                Long got = arrivals.poll(30, TimeUnit.SECONDS);
                if (got == null) {
                    throw new IllegalStateException("no SubscribeToShard event within 30 s");
                }
                latency.recordValue(Math.min((System.nanoTime() - got) / 1000, 60_000_000L));
            }
            call.cancel(true);
        }
        out.putObject("subscribeToShardLatency").put("events", latency.getTotalCount())
                .put("p50Ms", latency.getValueAtPercentile(50) / 1000.0)
                .put("p99Ms", latency.getValueAtPercentile(99) / 1000.0);
    }
}
