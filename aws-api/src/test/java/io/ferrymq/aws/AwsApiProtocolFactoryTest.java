package io.ferrymq.aws;

import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsApiProtocolFactoryTest {

    private final AwsApiProtocolFactory factory = new AwsApiProtocolFactory();
    private final ConfiguredUsers users = new ConfiguredUsers(Set.of("app"), null);

    private AwsApiSettings read(Map<String, ?> section) {
        return factory.settings(ProtocolSection.of("aws", section), users);
    }

    @Test
    void anEmptySectionGivesTheDefaults() {
        assertThat(read(Map.of())).isEqualTo(AwsApiSettings.defaults());
    }

    @Test
    void settingsAreReadByName() {
        AwsApiSettings s = read(Map.of("region", "eu-west-1", "max-clock-skew", "1m", "max-message-size", "256KiB",
                "strict-signatures", true,
                "access-keys", List.of(Map.of("id", "AKIA1", "secret", "s", "user", "app"))));
        assertThat(s.region()).isEqualTo("eu-west-1");
        assertThat(s.maxClockSkew()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.maxMessageBytes()).isEqualTo(256 * 1024);
        assertThat(s.strictSignatures()).isTrue();
        assertThat(s.accessKeys().get("AKIA1").user()).isEqualTo("app");
        assertThat(s.httpDeliveryTimeout()).isEqualTo(AwsApiSettings.defaults().httpDeliveryTimeout());
    }

    @Test
    void firehoseBucketsMapBucketNamesToDirectories() {
        AwsApiSettings s = read(Map.of("firehose-buckets", Map.of("logs", "/var/lib/ferrymq/logs", "*", "/srv/buckets"),
                "region", "eu-west-1"));
        assertThat(s.firehoseBuckets()).containsEntry("logs", "/var/lib/ferrymq/logs").containsEntry("*", "/srv/buckets");
        // Other settings made from these keep the buckets.
        assertThat(s.withMaxMessageBytes(2048).firehoseBuckets()).isEqualTo(s.firehoseBuckets());
        assertThat(read(Map.of()).firehoseBuckets()).isEmpty();
    }

    @Test
    void accessKeyMistakesAreNamed() {
        assertThatThrownBy(() -> read(Map.of("strict-signatures", true))).isInstanceOf(SettingException.class)
                .hasMessage("aws.strict-signatures needs at least one entry in aws.access-keys");
        Map<String, String> key = Map.of("id", "AKIA1", "secret", "s", "user", "app");
        assertThatThrownBy(() -> read(Map.of("access-keys", List.of(key, key)))).isInstanceOf(SettingException.class)
                .hasMessage("aws.access-keys: key AKIA1 is listed twice");
        assertThatThrownBy(() -> read(Map.of("access-keys", List.of(Map.of("id", "AKIA2", "user", "app")))))
                .hasMessage("aws.access-keys: every key needs an id, a secret and a user");
        assertThatThrownBy(() -> read(Map.of("access-keys", List.of(Map.of("id", "AKIA3", "secret", "s",
                "user", "nobody"))))).hasMessage("aws.access-keys: key AKIA3 acts as user 'nobody', who is not in security.users");
        assertThatThrownBy(() -> read(Map.of("max-message-size", "1"))).hasMessageStartingWith("aws: ");
    }
}
