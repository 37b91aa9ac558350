package io.ferrymq.bench.sqs;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Makes the benchmark's clients: AWS SDK v2 {@link SqsClient}s (AWS JSON 1.0 protocol, as every current SDK
 * speaks), each with its own Apache HttpClient and so its own keep-alive connection, pointed at one endpoint with
 * static credentials. No retries: a failed request is counted as an error, not hidden (and a retried send could
 * duplicate a message the broker had accepted).
 */
public final class SqsClients implements Supplier<SqsClient> {

    private final URI endpoint;
    private final String accessKey;
    private final String secret;
    private final Region region;

    public SqsClients(URI endpoint, String accessKey, String secret, String region) {
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secret = secret;
        this.region = Region.of(region);
    }

    @Override
    public SqsClient get() {
        return SqsClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(4)
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }
}
