package io.ferrymq.aws;

import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.testing.EmbeddedBroker;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The default guest user may only log in from loopback, over the AWS APIs as over every other protocol: a request
 * from another address that acts as guest (its access key maps to guest, or it is unsigned and guest is the default
 * user) is refused with InvalidClientTokenId, while another user's key works from there.
 */
class LoopbackOnlyUserTest {

    @Test
    void aKeyMappedToGuestIsRefusedFromAnotherAddress() throws IOException {
        String host = siteAddress();
        AwsApiSettings settings = AwsApiSettings.defaults().withStrictSignatures(Map.of(
                "AKIDGUEST", new AwsApiSettings.AccessKey("guest-secret", "guest", null),
                "AKIDADMIN", new AwsApiSettings.AccessKey("admin-secret", "admin", null)));
        try (EmbeddedBroker broker = start(settings, host)) {
            URI endpoint = URI.create("http://" + host + ":" + broker.port("http"));
            try (SqsClient guest = sqs(endpoint, "AKIDGUEST", "guest-secret");
                 SqsClient admin = sqs(endpoint, "AKIDADMIN", "admin-secret")) {
                AwsServiceException e = catchThrowableOfType(AwsServiceException.class, guest::listQueues);
                assertThat(e).as("guest from %s", host).isNotNull();
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                assertThat(e.awsErrorDetails().errorMessage()).contains("may only connect from localhost");

                assertThat(admin.listQueues().queueUrls()).isNotNull();
            }
            try (SnsClient guest = SnsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create("AKIDGUEST", "guest-secret")))
                    .httpClientBuilder(ApacheHttpClient.builder()).build()) {
                AwsServiceException e = catchThrowableOfType(AwsServiceException.class, guest::listTopics);
                assertThat(e).isNotNull();
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            }
        }
    }

    @Test
    void unsignedRequestsActingAsGuestAreRefusedFromAnotherAddress() throws IOException {
        String host = siteAddress();
        AwsApiSettings settings = AwsApiSettingsBuilder.from(AwsApiSettings.defaults()).allowRemoteUnsigned(true).build();
        try (EmbeddedBroker broker = start(settings, host);
             SqsClient sqs = sqs(URI.create("http://" + host + ":" + broker.port("http")), "AKIDANY", "any")) {
            AwsServiceException e = catchThrowableOfType(AwsServiceException.class, sqs::listQueues);
            assertThat(e).isNotNull();
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
        }
    }

    private static EmbeddedBroker start(AwsApiSettings settings, String host) {
        return EmbeddedBroker.builder().protocol(br -> new AwsApiProtocol(br, settings))
                .listener(ListenerConfig.tcp("http", host, 0, "aws")).realm(EmbeddedBroker.realm()).start();
    }

    private static SqsClient sqs(URI endpoint, String key, String secret) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** An address of this machine other than loopback, so that the broker sees the client as remote. */
    private static String siteAddress() throws IOException {
        Optional<InetAddress> found = Optional.empty();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (found.isEmpty() && a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    found = Optional.of(a);
                }
            }
        }
        assumeTrue(found.isPresent(), "needs a non-loopback address of this machine to connect from");
        return found.get().getHostAddress();
    }
}
