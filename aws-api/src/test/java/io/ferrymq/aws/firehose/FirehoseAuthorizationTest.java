package io.ferrymq.aws.firehose;

import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.AwsTestBroker;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ferrymq.aws.firehose.FirehoseTestBroker.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Firehose actions are checked against the broker's permissions on the delivery stream's name, with signed
 * requests: a producer (send) may put records but not create, delete or retag; it does not see what it holds no
 * permission on.
 */
class FirehoseAuthorizationTest {

    @TempDir
    Path buckets;

    private AwsTestBroker broker;
    private FirehoseClient admin;
    private FirehoseClient producer;

    private FirehoseClient client(String key, String secret) {
        return FirehoseClient.builder().endpointOverride(broker.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @BeforeEach
    void start() {
        List<UserAccount> users = List.of(
                new UserAccount("admin", PasswordHash.create("x", 1000), Set.of("admins"), false),
                new UserAccount("producer", PasswordHash.create("x", 1000), Set.of("producers"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"), Set.of()),
                new PermissionRule("*", NamePattern.of("events"), EnumSet.of(Permission.SEND), Set.of("producers"),
                        Set.of()));
        AwsApiSettings settings = AwsApiSettings.defaults().withFirehoseBuckets(Map.of("*", buckets.toString()))
                .withStrictSignatures(Map.of(
                        "AKIDADMIN", new AwsApiSettings.AccessKey("admin-secret", "admin", null),
                        "AKIDPRODUCER", new AwsApiSettings.AccessKey("producer-secret", "producer", null)));
        broker = AwsTestBroker.start(settings, new ConfiguredRealm(users, rules, null));
        admin = client("AKIDADMIN", "admin-secret");
        producer = client("AKIDPRODUCER", "producer-secret");
        for (String name : List.of("events", "audit")) {
            admin.createDeliveryStream(b -> b.deliveryStreamName(name).extendedS3DestinationConfiguration(s -> s
                    .bucketARN("arn:aws:s3:::secured").roleARN("arn:aws:iam::0:role/r")));
            FirehoseTestBroker.awaitActive(admin, name);
        }
    }

    @AfterEach
    void stop() {
        admin.close();
        producer.close();
        broker.close();
    }

    private static void denied(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(FirehoseException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.getMessage()).contains("user 'producer'");
        });
    }

    @Test
    void aProducerPutsRecordsButMayNotManageDeliveryStreams() {
        assertThat(producer.putRecord(b -> b.deliveryStreamName("events").record(r -> r.data(bytes("ok")))).recordId())
                .isNotBlank();
        denied(() -> producer.putRecord(b -> b.deliveryStreamName("audit").record(r -> r.data(bytes("no")))));
        denied(() -> producer.deleteDeliveryStream(b -> b.deliveryStreamName("events")));
        denied(() -> producer.tagDeliveryStream(b -> b.deliveryStreamName("events").tags(t -> t.key("k").value("v"))));
        denied(() -> producer.createDeliveryStream(b -> b.deliveryStreamName("mine").extendedS3DestinationConfiguration(
                s -> s.bucketARN("arn:aws:s3:::secured").roleARN("arn:aws:iam::0:role/r"))));
        assertThat(producer.listDeliveryStreams(b -> { }).deliveryStreamNames()).containsExactly("events");
        assertThat(admin.listDeliveryStreams(b -> { }).deliveryStreamNames()).containsExactly("audit", "events");
    }
}
