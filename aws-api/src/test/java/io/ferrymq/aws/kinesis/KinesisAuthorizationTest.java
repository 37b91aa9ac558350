package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.aws.AwsTestBroker;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kinesis actions are checked against the broker's permissions on the stream's name: a reader (consume) may
 * read but not write, create or delete; what it holds no permission on it does not see. The SDK's requests are
 * CBOR by default.
 */
class KinesisAuthorizationTest {

    private static AwsTestBroker broker;
    private static KinesisClient admin;
    private static KinesisClient reader;
    private static final Set<String> contentTypes = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() {
        List<UserAccount> users = List.of(
                new UserAccount("admin", PasswordHash.create("x", 1000), Set.of("admins"), false),
                new UserAccount("reader", PasswordHash.create("x", 1000), Set.of("readers"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"), Set.of()),
                new PermissionRule("*", NamePattern.of("shared"), EnumSet.of(Permission.CONSUME), Set.of("readers"),
                        Set.of()));
        AwsApiSettings settings = KinesisTestSettings.UNTHROTTLED.withStrictSignatures(Map.of(
                "AKIDADMIN", new AwsApiSettings.AccessKey("admin-secret", "admin", null),
                "AKIDREADER", new AwsApiSettings.AccessKey("reader-secret", "reader", null)));
        broker = AwsTestBroker.start(settings, new ConfiguredRealm(users, rules, null));
        admin = broker.kinesis("AKIDADMIN", "admin-secret", new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                context.httpRequest().firstMatchingHeader("Content-Type").ifPresent(contentTypes::add);
            }
        });
        reader = broker.kinesis("AKIDREADER", "reader-secret", null);
        admin.createStream(b -> b.streamName("shared").shardCount(1));
        admin.createStream(b -> b.streamName("private").shardCount(1));
        admin.putRecord(b -> b.streamName("shared").partitionKey("p").data(SdkBytes.fromUtf8String("hi")));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aReaderReadsButMayNotWriteCreateOrDelete() {
        String it = reader.getShardIterator(b -> b.streamName("shared").shardId("shardId-000000000000")
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        assertThat(reader.getRecords(b -> b.shardIterator(it)).records()).extracting(r -> r.data().asUtf8String())
                .containsExactly("hi");
        assertThatThrownBy(() -> reader.putRecord(b -> b.streamName("shared").partitionKey("p")
                .data(SdkBytes.fromUtf8String("no")))).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("reader").hasMessageContaining("send");
        assertThatThrownBy(() -> reader.createStream(b -> b.streamName("mine").shardCount(1)))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> reader.deleteStream(b -> b.streamName("shared")))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> reader.addTagsToStream(b -> b.streamName("shared").tags(Map.of("a", "b"))))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aStreamWithoutAnyPermissionIsNeitherListedNorReadable() {
        assertThat(reader.listStreams().streamNames()).containsExactly("shared");
        assertThat(admin.listStreams().streamNames()).contains("shared", "private");
        assertThatThrownBy(() -> reader.describeStream(b -> b.streamName("private")))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void theSdkSpeaksCborByDefault() {
        admin.listStreams();
        assertThat(contentTypes).containsOnly("application/x-amz-cbor-1.1");
    }
}
