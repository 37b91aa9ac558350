package io.ferrymq.aws;

import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.transport.testing.EmbeddedBroker;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker with the AWS endpoint on a free loopback port, and AWS SDK clients (sync and async) pointed
 * at it with dummy credentials in us-east-1. Also a raw HTTP client for Query-protocol requests.
 */
public final class AwsTestBroker implements AutoCloseable {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private final EmbeddedBroker broker;
    private final AwsApiProtocol protocol;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private AwsTestBroker(AwsApiSettings settings, Path dataDir, Clock clock) {
        this(settings, dataDir, clock, EmbeddedBroker.realm());
    }

    private AwsTestBroker(AwsApiSettings settings, Path dataDir, Clock clock, SecurityRealm realm) {
        AwsApiProtocol[] made = new AwsApiProtocol[1];
        EmbeddedBroker.Builder b = EmbeddedBroker.builder().protocol(br -> made[0] = new AwsApiProtocol(br, settings))
                .tcp("http", "aws").clock(clock).realm(realm);
        if (dataDir != null) {
            b.durable(dataDir);
        }
        this.broker = b.start();
        this.protocol = made[0];
    }

    public static AwsTestBroker start() {
        return new AwsTestBroker(AwsApiSettings.defaults(), null, Clock.SYSTEM);
    }

    /** A broker whose clock (message times, retention, delays) is {@code clock}; visibility timers run in real time. */
    public static AwsTestBroker withClock(Clock clock) {
        return new AwsTestBroker(AwsApiSettings.defaults(), null, clock);
    }

    public static AwsTestBroker start(AwsApiSettings settings) {
        return new AwsTestBroker(settings, null, Clock.SYSTEM);
    }

    /** A broker whose users and permissions are {@code realm}'s. */
    public static AwsTestBroker start(AwsApiSettings settings, SecurityRealm realm) {
        return new AwsTestBroker(settings, null, Clock.SYSTEM, realm);
    }

    public static AwsTestBroker durable(AwsApiSettings settings, Path dir) {
        return new AwsTestBroker(settings, dir, Clock.SYSTEM);
    }

    /** A broker with {@code settings} whose clock is {@code clock}. */
    public static AwsTestBroker withClock(AwsApiSettings settings, Clock clock) {
        return new AwsTestBroker(settings, null, clock);
    }

    /** A name no other test uses. */
    public static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
    }

    public EmbeddedBroker embedded() {
        return broker;
    }

    public int port() {
        return broker.port("http");
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public SqsClient sqs() {
        return sqs("AKIDEXAMPLE", "dummy-secret");
    }

    public SqsClient sqs(String accessKey, String secret) {
        SqsClient c = SqsClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .build();
        clients.add(c);
        return c;
    }

    public SqsAsyncClient sqsAsync() {
        SqsAsyncClient c = SqsAsyncClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "dummy")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofSeconds(60)))
                .build();
        clients.add(c);
        return c;
    }

    public SnsClient sns() {
        return sns("AKIDEXAMPLE", "dummy");
    }

    public SnsClient sns(String accessKey, String secret) {
        SnsClient c = SnsClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
        clients.add(c);
        return c;
    }

    /** A Kinesis client: CBOR unless the system property {@code aws.cborEnabled} is false when it is used. */
    public KinesisClient kinesis() {
        return kinesis(null);
    }

    /** A Kinesis client that also runs {@code interceptor} (to look at the requests it sends), or none if null. */
    public KinesisClient kinesis(ExecutionInterceptor interceptor) {
        return kinesis("AKIDEXAMPLE", "dummy", interceptor);
    }

    /** A Kinesis client signing with an access key (strict signatures map it to a user). */
    public KinesisClient kinesis(String accessKey, String secret, ExecutionInterceptor interceptor) {
        KinesisClient c = KinesisClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> {
                    if (interceptor != null) {
                        o.addExecutionInterceptor(interceptor);
                    }
                    // A throttled call must fail in the test, not be retried behind its back.
                    o.retryStrategy(b -> b.maxAttempts(1));
                })
                .build();
        clients.add(c);
        return c;
    }

    public SnsAsyncClient snsAsync() {
        SnsAsyncClient c = SnsAsyncClient.builder().endpointOverride(endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "dummy")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofSeconds(60)))
                .build();
        clients.add(c);
        return c;
    }

    /** A raw Query-protocol request (form POST, unsigned: the default settings accept that from loopback). */
    public HttpResponse<String> query(Map<String, String> params) {
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!body.isEmpty()) {
                body.append('&');
            }
            body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return post("/", "application/x-www-form-urlencoded; charset=utf-8", body.toString(), Map.of());
    }

    public static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A raw JSON 1.0 request to SQS. */
    public HttpResponse<String> json(String action, String body) {
        return post("/", "application/x-amz-json-1.0", body, Map.of("X-Amz-Target", "AmazonSQS." + action));
    }

    public HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint() + path)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
            headers.forEach(b::header);
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String pathAndQuery) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(endpoint() + pathAndQuery)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing anyway.
            }
        }
        protocol.close();
        broker.close();
    }
}
