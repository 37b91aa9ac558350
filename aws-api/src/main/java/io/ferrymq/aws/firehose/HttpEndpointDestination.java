package io.ferrymq.aws.firehose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.core.api.Timers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;

/**
 * POSTs each batch to an HTTP endpoint in Firehose's request shape ({@code {requestId, timestamp, records:
 * [{data}]}} with the {@code X-Amz-Firehose-*} headers). A batch the endpoint does not take (no 200 answer
 * echoing the request id) is retried with growing pauses until {@code RetryOptions.DurationInSeconds} have
 * passed on the broker's clock, then written to the S3 target's error prefix as AWS does.
 */
final class HttpEndpointDestination implements Destination {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointDestination.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_PAUSE_MILLIS = 100;
    private static final long MAX_PAUSE_MILLIS = 5_000;

    private final HttpTarget target;
    private final String stream;
    private final String sourceArn;
    private final int version;
    private final HttpClient http;
    private final Executor executor;
    private final Executor blocking;
    private final Timers timers;
    private final LongSupplier clock;

    HttpEndpointDestination(HttpTarget target, String stream, String sourceArn, int version, HttpClient http,
                            Executor executor, Executor blocking, Timers timers, LongSupplier clock) {
        this.target = target;
        this.stream = stream;
        this.sourceArn = sourceArn;
        this.version = version;
        this.http = http;
        this.executor = executor;
        this.blocking = blocking;
        this.timers = timers;
        this.clock = clock;
    }

    @Override
    public Buffering buffering() {
        return target.buffering();
    }

    @Override
    public CompletableFuture<Void> deliver(List<BufferedRecord> batch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(batch, clock.getAsLong(), 1, FIRST_PAUSE_MILLIS, done);
        return done.thenCompose(v -> target.backupAll()
                ? CompletableFuture.runAsync(() -> S3Destination.write(target.backup(), target.backup().prefix(),
                        stream, version, batch), blocking)
                : CompletableFuture.completedFuture(null));
    }

    private void attempt(List<BufferedRecord> batch, long firstAttempt, int attempts, long pause,
                         CompletableFuture<Void> done) {
        String requestId = UUID.randomUUID().toString();
        HttpRequest request;
        try {
            request = request(batch, requestId);
        } catch (IOException e) {
            done.completeExceptionally(e);
            return;
        }
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handleAsync((res, t) -> {
            String failure = failure(res, t, requestId);
            if (failure == null) {
                done.complete(null);
                return null;
            }
            long now = clock.getAsLong();
            if (now - firstAttempt < target.retryMillis()) {
                LOG.debug("Firehose {}: delivery to {} failed ({}), attempt {}; retrying", stream, target.url(),
                        failure, attempts);
                timers.schedule(() -> executor.execute(() -> attempt(batch, firstAttempt, attempts + 1,
                        Math.min(MAX_PAUSE_MILLIS, pause * 2), done)), pause);
                return null;
            }
            LOG.warn("Firehose {}: delivery of {} records to {} failed after {} attempts ({}); writing them to the"
                    + " error prefix", stream, batch.size(), target.url(), attempts, failure);
            CompletableFuture.runAsync(() -> writeFailed(batch, attempts, failure, now), blocking)
                    .whenComplete((v, e) -> {
                        if (e != null) {
                            done.completeExceptionally(e);
                        } else {
                            done.complete(null);
                        }
                    });
            return null;
        }, executor);
    }

    private HttpRequest request(List<BufferedRecord> batch, String requestId) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("requestId", requestId);
        body.put("timestamp", clock.getAsLong());
        ArrayNode records = body.putArray("records");
        Base64.Encoder b64 = Base64.getEncoder();
        for (BufferedRecord r : batch) {
            records.addObject().put("data", b64.encodeToString(r.data()));
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(target.url()).timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .header("X-Amz-Firehose-Protocol-Version", "1.0")
                .header("X-Amz-Firehose-Request-Id", requestId)
                .header("X-Amz-Firehose-Source-Arn", sourceArn)
                .header("User-Agent", "Amazon Kinesis Data Firehose Agent/1.0 (FerryMQ)");
        if (target.accessKey() != null) {
            b.header("X-Amz-Firehose-Access-Key", target.accessKey());
        }
        if (!target.commonAttributes().isEmpty()) {
            ObjectNode attrs = JSON.createObjectNode();
            ObjectNode common = attrs.putObject("commonAttributes");
            target.commonAttributes().forEach(common::put);
            b.header("X-Amz-Firehose-Common-Attributes", JSON.writeValueAsString(attrs));
        }
        if (target.gzip()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream z = new GZIPOutputStream(out)) {
                z.write(bytes);
            }
            bytes = out.toByteArray();
            b.header("Content-Encoding", "gzip");
        }
        return b.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    /** Why an attempt failed, or null if the endpoint took the batch. */
    private static String failure(HttpResponse<String> res, Throwable t, String requestId) {
        if (t != null) {
            Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
            return "the request failed: " + c;
        }
        if (res.statusCode() != 200) {
            return "the endpoint answered HTTP " + res.statusCode();
        }
        try {
            JsonNode answer = JSON.readTree(res.body());
            if (answer == null || !requestId.equals(answer.path("requestId").asText())) {
                return "the endpoint's answer does not echo requestId " + requestId;
            }
        } catch (IOException e) {
            return "the endpoint's answer is not JSON";
        }
        return null;
    }

    /** Writes a failed batch as JSON lines, one per record, as Firehose writes failed HTTP endpoint data. */
    private void writeFailed(List<BufferedRecord> batch, int attempts, String failure, long now) {
        StringBuilder lines = new StringBuilder();
        Base64.Encoder b64 = Base64.getEncoder();
        for (BufferedRecord r : batch) {
            ObjectNode line = JSON.createObjectNode();
            line.put("attemptsMade", attempts);
            line.put("arrivalTimestamp", r.arrivalMillis());
            line.put("errorCode", "HttpEndpoint.DeliveryFailed");
            line.put("errorMessage", failure);
            line.put("attemptEndingTimestamp", now);
            line.put("rawData", b64.encodeToString(r.data()));
            line.put("EndpointUrl", target.url().toString());
            lines.append(line).append('\n');
        }
        S3Target backup = target.backup();
        String prefix = backup.errorPrefix() != null ? backup.errorPrefix() : backup.prefix() + "http-endpoint-failed/";
        String key = ObjectWriter.key(prefix, stream, version, batch.get(0).arrivalMillis(), backup.extension());
        ObjectWriter.write(backup.directory(), key, lines.toString().getBytes(StandardCharsets.UTF_8),
                backup.compression().equals("GZIP"));
    }
}
