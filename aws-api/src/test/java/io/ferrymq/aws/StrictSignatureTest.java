package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Strict mode: SigV4 verified against the configured access keys, with AWS's error codes for a wrong
 * secret, an unknown key, a missing or malformed signature and a clock too far off. Each key acts as a
 * broker user in its own account.
 */
class StrictSignatureTest {

    static AwsTestBroker broker;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start(AwsApiSettings.defaults().withStrictSignatures(Map.of(
                "AKIDADMIN", new AwsApiSettings.AccessKey("admin-secret", "admin", null))));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void correctlySignedRequestsWorkInBothSqsProtocolsAndSns() {
        SqsClient sqs = broker.sqs("AKIDADMIN", "admin-secret");
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("strict"))).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("signed"));
        assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages().get(0).body())
                .isEqualTo("signed");

        SnsClient sns = SnsClient.builder().endpointOverride(broker.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDADMIN", "admin-secret")))
                .build();
        try (sns) {
            assertThat(sns.createTopic(b -> b.name(AwsTestBroker.unique("strict"))).topicArn()).startsWith("arn:aws:sns");
        }

        // The Query protocol, signed over the form body.
        HttpResponse<String> q = send(signed("AKIDADMIN", "admin-secret", Clock.systemUTC(),
                "Action=ListQueues&Version=2012-11-05", "application/x-www-form-urlencoded; charset=utf-8", Map.of()));
        assertThat(q.statusCode()).as(q.body()).isEqualTo(200);
        assertThat(q.body()).contains("<ListQueuesResponse");
    }

    @Test
    void aWrongSecretIsSignatureDoesNotMatch() {
        AwsServiceException e = catchThrowableOfType(AwsServiceException.class,
                () -> broker.sqs("AKIDADMIN", "wrong").listQueues());

        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
    }

    @Test
    void anUnknownAccessKeyIsInvalidClientTokenId() {
        AwsServiceException e = catchThrowableOfType(AwsServiceException.class,
                () -> broker.sqs("AKIDNOBODY", "whatever").listQueues());

        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
    }

    @Test
    void anUnsignedRequestIsRefused() {
        HttpResponse<String> r = broker.json("ListQueues", "{}");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue("MissingAuthenticationToken;Sender");
    }

    @Test
    void aMalformedAuthorizationIsIncompleteSignature() {
        HttpResponse<String> r = broker.post("/", "application/x-amz-json-1.0", "{}", Map.of(
                "X-Amz-Target", "AmazonSQS.ListQueues", "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDADMIN"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue("IncompleteSignature;Sender");
    }

    @Test
    void aRequestSignedTooLongAgoIsRefused() {
        Clock past = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20));

        HttpResponse<String> r = send(signed("AKIDADMIN", "admin-secret", past, "{}", "application/x-amz-json-1.0",
                Map.of("X-Amz-Target", "AmazonSQS.ListQueues")));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue("SignatureDoesNotMatch;Sender");
        assertThat(r.body()).contains("Signature expired");
    }

    @Test
    void aSignatureScopedToSnsIsRefusedBySqsInBothProtocols() {
        HttpResponse<String> json = send(signed("AKIDADMIN", "admin-secret", Clock.systemUTC(), "{}",
                "application/x-amz-json-1.0", Map.of("X-Amz-Target", "AmazonSQS.ListQueues"), "sns", "us-east-1"));
        assertThat(json.statusCode()).as(json.body()).isEqualTo(403);
        assertThat(json.headers().firstValue("x-amzn-query-error")).hasValue("SignatureDoesNotMatch;Sender");
        assertThat(json.body()).contains("Credential should be scoped to correct service: 'sqs'");

        HttpResponse<String> query = send(signed("AKIDADMIN", "admin-secret", Clock.systemUTC(),
                "Action=ListQueues&Version=2012-11-05", "application/x-www-form-urlencoded; charset=utf-8", Map.of(),
                "sns", "us-east-1"));
        assertThat(query.statusCode()).as(query.body()).isEqualTo(403);
        assertThat(query.body()).contains("<Code>SignatureDoesNotMatch</Code>")
                .contains("Credential should be scoped to correct service: &apos;sqs&apos;");
    }

    @Test
    void aSignatureScopedToSqsIsRefusedBySns() {
        HttpResponse<String> r = send(signed("AKIDADMIN", "admin-secret", Clock.systemUTC(),
                "Action=ListTopics&Version=2010-03-31", "application/x-www-form-urlencoded; charset=utf-8", Map.of(),
                "sqs", "us-east-1"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>SignatureDoesNotMatch</Code>")
                .contains("Credential should be scoped to correct service: &apos;sns&apos;");
    }

    @Test
    void aSignatureScopedToAnInvalidRegionIsRefused() {
        HttpResponse<String> r = send(signed("AKIDADMIN", "admin-secret", Clock.systemUTC(), "{}",
                "application/x-amz-json-1.0", Map.of("X-Amz-Target", "AmazonSQS.ListQueues"), "sqs", "US_EAST_1"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.headers().firstValue("x-amzn-query-error")).hasValue("SignatureDoesNotMatch;Sender");
        assertThat(r.body()).contains("Credential should be scoped to a valid region, not 'US_EAST_1'");
    }

    private static SignedRequest signed(String key, String secret, Clock clock, String body, String type,
                                        Map<String, String> headers) {
        return signed(key, secret, clock, body, type, headers, "sqs", "us-east-1");
    }

    /** A request signed by the SDK's own SigV4 signer, with a chosen clock, service and region. */
    private static SignedRequest signed(String key, String secret, Clock clock, String body, String type,
                                        Map<String, String> headers, String service, String region) {
        SdkHttpRequest.Builder req = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(broker.endpoint())
                .putHeader("Content-Type", type);
        headers.forEach(req::putHeader);
        return AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(key, secret))
                .request(req.build()).payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
    }

    private static HttpResponse<String> send(SignedRequest s) {
        Set<String> restricted = Set.of("host", "content-length", "connection", "expect");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(broker.endpoint() + "/"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> s.payload().orElseThrow().newStream()));
        s.request().headers().forEach((k, vs) -> {
            if (!restricted.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        try {
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
