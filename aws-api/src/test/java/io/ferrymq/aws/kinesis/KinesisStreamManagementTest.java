package io.ferrymq.aws.kinesis;

import io.ferrymq.aws.AwsTestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.StreamDescription;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.Tag;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Kinesis stream management through the AWS SDK's KinesisClient (CBOR, its default). */
class KinesisStreamManagementTest {

    private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private static AwsTestBroker broker;
    private static KinesisClient kinesis;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start(KinesisTestSettings.UNTHROTTLED);
        kinesis = broker.kinesis();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aProvisionedStreamIsActiveWithShardsCoveringTheWholeHashKeySpace() {
        String name = AwsTestBroker.unique("orders");
        kinesis.createStream(b -> b.streamName(name).shardCount(3));
        // CREATING for a moment, as on AWS (KinesisBrokerClockTest), then ACTIVE.
        await().atMost(Duration.ofSeconds(30)).until(() -> kinesis.describeStream(b -> b.streamName(name))
                .streamDescription().streamStatus() == StreamStatus.ACTIVE);

        StreamDescription d = kinesis.describeStream(b -> b.streamName(name)).streamDescription();
        assertThat(d.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(d.streamARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + name);
        assertThat(d.retentionPeriodHours()).isEqualTo(24);
        assertThat(d.streamModeDetails().streamMode()).isEqualTo(StreamMode.PROVISIONED);
        assertThat(d.streamCreationTimestamp()).isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now());
        assertThat(d.hasMoreShards()).isFalse();
        List<Shard> shards = d.shards();
        assertThat(shards).extracting(Shard::shardId)
                .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        assertThat(new BigInteger(shards.get(0).hashKeyRange().startingHashKey())).isZero();
        for (int i = 1; i < shards.size(); i++) {
            assertThat(new BigInteger(shards.get(i).hashKeyRange().startingHashKey()))
                    .isEqualTo(new BigInteger(shards.get(i - 1).hashKeyRange().endingHashKey()).add(BigInteger.ONE));
        }
        assertThat(new BigInteger(shards.get(2).hashKeyRange().endingHashKey())).isEqualTo(MAX_HASH);
        assertThat(shards).allSatisfy(s -> {
            assertThat(s.sequenceNumberRange().startingSequenceNumber()).matches("[1-9][0-9]*");
            assertThat(s.sequenceNumberRange().endingSequenceNumber()).isNull();
        });

        StreamDescriptionSummary summary = kinesis.describeStreamSummary(b -> b.streamName(name))
                .streamDescriptionSummary();
        assertThat(summary.openShardCount()).isEqualTo(3);
        assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(summary.retentionPeriodHours()).isEqualTo(24);
        assertThat(summary.streamCreationTimestamp()).isEqualTo(d.streamCreationTimestamp());
    }

    @Test
    void anOnDemandStreamStartsWithFourShardsAndItsModeCanChange() {
        String name = AwsTestBroker.unique("clicks");
        kinesis.createStream(b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
        StreamDescriptionSummary s = kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
        assertThat(s.streamModeDetails().streamMode()).isEqualTo(StreamMode.ON_DEMAND);
        assertThat(s.openShardCount()).isEqualTo(4);

        kinesis.updateStreamMode(b -> b.streamARN(s.streamARN()).streamModeDetails(m -> m.streamMode(StreamMode.PROVISIONED)));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamModeDetails()
                .streamMode()).isEqualTo(StreamMode.PROVISIONED);
    }

    @Test
    void creatingAStreamThatExistsIsResourceInUse() {
        String name = AwsTestBroker.unique("twice");
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName(name).shardCount(1)))
                .isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("Stream " + name + " under account 000000000000 already exists.");
    }

    @Test
    void aDeletedStreamIsGone() {
        String name = AwsTestBroker.unique("gone");
        kinesis.createStream(b -> b.streamName(name).shardCount(2));
        kinesis.deleteStream(b -> b.streamName(name));
        // DELETING for a moment, as on AWS (KinesisBrokerClockTest), then gone.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName(name)))
                        .isInstanceOf(ResourceNotFoundException.class)
                        .hasMessageContaining("Stream " + name + " under account 000000000000 not found."));
        assertThat(kinesis.listStreams().streamNames()).doesNotContain(name);
        assertThatThrownBy(() -> kinesis.deleteStream(b -> b.streamName(name)))
                .isInstanceOf(ResourceNotFoundException.class);
        // The name can be used again.
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        assertThat(kinesis.describeStream(b -> b.streamName(name)).streamDescription().shards()).hasSize(1);
    }

    @Test
    void listStreamsPagesInNameOrder() {
        String prefix = AwsTestBroker.unique("page");
        for (String suffix : List.of("a", "b", "c")) {
            kinesis.createStream(b -> b.streamName(prefix + "-" + suffix).shardCount(1));
        }
        List<String> seen = new ArrayList<>();
        ListStreamsResponse page = kinesis.listStreams(b -> b.limit(1));
        seen.addAll(page.streamNames());
        while (page.hasMoreStreams()) {
            String token = page.nextToken();
            page = kinesis.listStreams(b -> b.nextToken(token).limit(2));
            seen.addAll(page.streamNames());
        }
        assertThat(seen).isSorted().contains(prefix + "-a", prefix + "-b", prefix + "-c");
        assertThat(kinesis.listStreams(b -> b.exclusiveStartStreamName(prefix + "-a")).streamNames())
                .contains(prefix + "-b", prefix + "-c").doesNotContain(prefix + "-a");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(kinesis.listStreams().streamSummaries()).anySatisfy(s -> {
                    assertThat(s.streamName()).isEqualTo(prefix + "-a");
                    assertThat(s.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
                }));
    }

    @Test
    void listShardsPagesWithNextTokenAndFilters() {
        String name = AwsTestBroker.unique("shards");
        kinesis.createStream(b -> b.streamName(name).shardCount(5));
        ListShardsResponse first = kinesis.listShards(b -> b.streamName(name).maxResults(2));
        assertThat(first.shards()).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001");
        List<String> all = new ArrayList<>(first.shards().stream().map(Shard::shardId).toList());
        String token = first.nextToken();
        while (token != null) {
            String t = token;
            ListShardsResponse next = kinesis.listShards(b -> b.nextToken(t).maxResults(2));
            next.shards().forEach(s -> all.add(s.shardId()));
            token = next.nextToken();
        }
        assertThat(all).hasSize(5).doesNotHaveDuplicates();
        assertThat(kinesis.listShards(b -> b.streamName(name).exclusiveStartShardId("shardId-000000000002")).shards())
                .extracting(Shard::shardId).containsExactly("shardId-000000000003", "shardId-000000000004");
        assertThat(kinesis.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))).shards())
                .hasSize(5);
        assertThatThrownBy(() -> kinesis.listShards(b -> b.streamName(name).nextToken(first.nextToken())))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void tagsAreAddedListedAndRemoved() {
        String name = AwsTestBroker.unique("tagged");
        kinesis.createStream(b -> b.streamName(name).shardCount(1).tags(Map.of("team", "payments")));
        kinesis.addTagsToStream(b -> b.streamName(name).tags(Map.of("env", "test", "tier", "gold")));
        assertThat(kinesis.listTagsForStream(b -> b.streamName(name)).tags()).extracting(Tag::key, Tag::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("env", "test"),
                        org.assertj.core.groups.Tuple.tuple("team", "payments"),
                        org.assertj.core.groups.Tuple.tuple("tier", "gold"));
        kinesis.removeTagsFromStream(b -> b.streamName(name).tagKeys("env"));
        var listed = kinesis.listTagsForStream(b -> b.streamName(name).limit(1));
        assertThat(listed.tags()).extracting(Tag::key).containsExactly("team");
        assertThat(listed.hasMoreTags()).isTrue();
        assertThat(kinesis.listTagsForStream(b -> b.streamName(name).exclusiveStartTagKey("team")).tags())
                .extracting(Tag::key).containsExactly("tier");
        String arn = kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamARN();
        assertThat(kinesis.listTagsForResource(b -> b.resourceARN(arn)).tags()).extracting(Tag::key)
                .containsExactly("team", "tier");
    }

    @Test
    void retentionGrowsAndShrinksWithinAwsBounds() {
        String name = AwsTestBroker.unique("retained");
        kinesis.createStream(b -> b.streamName(name).shardCount(1));
        kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(48));
        assertThat(kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
                .retentionPeriodHours()).isEqualTo(48);
        assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(30)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("DecreaseRetentionPeriod");
        kinesis.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(24));
        assertThat(kinesis.describeStream(b -> b.streamName(name)).streamDescription().retentionPeriodHours())
                .isEqualTo(24);
        assertThatThrownBy(() -> kinesis.decreaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(12)))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Minimum allowed retention period");
        assertThatThrownBy(() -> kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(9000)))
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void theShardLimitOfTheAccountIsEnforcedAndReported() {
        DescribeLimitsResponse before = kinesis.describeLimits(b -> { });
        assertThat(before.shardLimit()).isEqualTo(500);
        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName(AwsTestBroker.unique("huge")).shardCount(501)))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("shard limit");
        String name = AwsTestBroker.unique("counted");
        kinesis.createStream(b -> b.streamName(name).shardCount(2));
        assertThat(kinesis.describeLimits(b -> { }).openShardCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void badNamesAndCountsAreValidationErrors() {
        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("no spaces allowed").shardCount(1)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("streamName");
        assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName(AwsTestBroker.unique("zero")).shardCount(0)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("shardCount");
        assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("x".repeat(129))))
                .isInstanceOf(ValidationException.class);
    }
}
