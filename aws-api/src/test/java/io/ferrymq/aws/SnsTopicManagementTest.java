package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Tag;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Topic and subscription management with the SDK's SnsClient: every action except delivery. */
@SuppressWarnings("unchecked") // the SDK's batch builders take varargs of Consumer lambdas
class SnsTopicManagementTest {

    static AwsTestBroker broker;
    static SnsClient sns;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        sns = broker.sns();
        sqs = broker.sqs();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aTopicIsCreatedOnceListedAndDeleted() {
        String name = AwsTestBroker.unique("t");
        String arn = sns.createTopic(b -> b.name(name)).topicArn();

        assertThat(arn).isEqualTo("arn:aws:sns:us-east-1:000000000000:" + name);
        assertThat(sns.createTopic(b -> b.name(name)).topicArn()).isEqualTo(arn);
        assertThat(sns.listTopicsPaginator().topics()).extracting(Topic::topicArn).contains(arn);
        assertThat(broker.embedded().broker().vhost("/").exchange(name)).as("the topic's core exchange").isNotNull();

        sns.deleteTopic(b -> b.topicArn(arn));

        assertThat(sns.listTopicsPaginator().topics()).extracting(Topic::topicArn).doesNotContain(arn);
        assertThat(broker.embedded().broker().vhost("/").exchange(name)).isNull();
        NotFoundException e = catchThrowableOfType(NotFoundException.class,
                () -> sns.getTopicAttributes(b -> b.topicArn(arn)));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFound");
        assertThat(e.statusCode()).isEqualTo(404);
    }

    @Test
    void listingPagesThroughManyTopics() {
        String prefix = AwsTestBroker.unique("page");
        for (int i = 0; i < 105; i++) {
            int n = i;
            sns.createTopic(b -> b.name(prefix + "-" + n));
        }

        var first = sns.listTopics();
        assertThat(first.topics()).hasSize(100);
        assertThat(first.nextToken()).isNotBlank();
        assertThat(sns.listTopicsPaginator().topics().stream().filter(t -> t.topicArn().contains(prefix)).count())
                .isEqualTo(105);
    }

    @Test
    void topicAttributesHaveDefaultsAndCanBeSet() {
        String arn = sns.createTopic(b -> b.name(AwsTestBroker.unique("t"))
                .attributes(Map.of("DisplayName", "first"))).topicArn();

        Map<String, String> a = sns.getTopicAttributes(b -> b.topicArn(arn)).attributes();
        assertThat(a).containsEntry("TopicArn", arn).containsEntry("DisplayName", "first")
                .containsEntry("Owner", "000000000000").containsKeys("Policy", "EffectiveDeliveryPolicy",
                        "SubscriptionsConfirmed");

        sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("DisplayName").attributeValue("second"));

        assertThat(sns.getTopicAttributes(b -> b.topicArn(arn)).attributes()).containsEntry("DisplayName", "second");
        InvalidParameterException e = catchThrowableOfType(InvalidParameterException.class, () ->
                sns.setTopicAttributes(b -> b.topicArn(arn).attributeName("Colour").attributeValue("x")));
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Invalid parameter: AttributeName");
    }

    @Test
    void aFifoTopicNeedsTheSuffixAndReportsItsAttributes() {
        String name = AwsTestBroker.unique("f") + ".fifo";
        String arn = sns.createTopic(b -> b.name(name).attributes(Map.of("FifoTopic", "true",
                "ContentBasedDeduplication", "true"))).topicArn();

        assertThat(sns.getTopicAttributes(b -> b.topicArn(arn)).attributes()).containsEntry("FifoTopic", "true")
                .containsEntry("ContentBasedDeduplication", "true");
        InvalidParameterException e = catchThrowableOfType(InvalidParameterException.class, () ->
                sns.createTopic(b -> b.name("nosuffix").attributes(Map.of("FifoTopic", "true"))));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameter");
        String standard = sns.createTopic(b -> b.name(AwsTestBroker.unique("s"))).topicArn();
        InvalidParameterException p = catchThrowableOfType(InvalidParameterException.class, () ->
                sns.publish(b -> b.topicArn(standard).message("x").messageDeduplicationId("d")));
        assertThat(p.awsErrorDetails().errorCode()).isEqualTo("InvalidParameter");
        InvalidParameterException g = catchThrowableOfType(InvalidParameterException.class, () ->
                sns.publish(b -> b.topicArn(arn).message("x")));
        assertThat(g.awsErrorDetails().errorMessage()).contains("MessageGroupId");
    }

    @Test
    void tagsAreAddedListedAndRemoved() {
        String arn = sns.createTopic(b -> b.name(AwsTestBroker.unique("t")).tags(Tag.builder().key("team")
                .value("blue").build())).topicArn();

        sns.tagResource(b -> b.resourceArn(arn).tags(Tag.builder().key("env").value("test").build()));
        assertThat(sns.listTagsForResource(b -> b.resourceArn(arn)).tags()).extracting(Tag::key, Tag::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("env", "test"),
                        org.assertj.core.groups.Tuple.tuple("team", "blue"));

        sns.untagResource(b -> b.resourceArn(arn).tagKeys("team"));
        assertThat(sns.listTagsForResource(b -> b.resourceArn(arn)).tags()).extracting(Tag::key).containsExactly("env");
    }

    @Test
    void permissionsBecomeStatementsOfTheTopicPolicy() {
        String arn = sns.createTopic(b -> b.name(AwsTestBroker.unique("t"))).topicArn();

        sns.addPermission(b -> b.topicArn(arn).label("partner").awsAccountIds("111122223333").actionNames("Publish"));
        assertThat(sns.getTopicAttributes(b -> b.topicArn(arn)).attributes().get("Policy"))
                .contains("\"Sid\":\"partner\"").contains("111122223333").contains("SNS:Publish");

        sns.removePermission(b -> b.topicArn(arn).label("partner"));
        assertThat(sns.getTopicAttributes(b -> b.topicArn(arn)).attributes().get("Policy")).doesNotContain("partner");
    }

    @Test
    void subscriptionsAreListedWithTheirAttributesAndRemovedWithTheirTopic() {
        String arn = sns.createTopic(b -> b.name(AwsTestBroker.unique("t"))).topicArn();
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("q"))).queueUrl();
        String queueArn = SnsFixtures.queueArn(sqs, url);
        String sub = sns.subscribe(b -> b.topicArn(arn).protocol("sqs").endpoint(queueArn)).subscriptionArn();

        assertThat(sns.subscribe(b -> b.topicArn(arn).protocol("sqs").endpoint(queueArn)).subscriptionArn())
                .as("subscribing again is the same subscription").isEqualTo(sub);
        List<Subscription> byTopic = sns.listSubscriptionsByTopic(b -> b.topicArn(arn)).subscriptions();
        assertThat(byTopic).singleElement().satisfies(s -> {
            assertThat(s.subscriptionArn()).isEqualTo(sub);
            assertThat(s.protocol()).isEqualTo("sqs");
            assertThat(s.endpoint()).isEqualTo(queueArn);
        });
        assertThat(sns.listSubscriptionsPaginator().subscriptions()).extracting(Subscription::subscriptionArn).contains(sub);

        sns.setSubscriptionAttributes(b -> b.subscriptionArn(sub).attributeName("RawMessageDelivery").attributeValue("true"));
        assertThat(sns.getSubscriptionAttributes(b -> b.subscriptionArn(sub)).attributes())
                .containsEntry("RawMessageDelivery", "true").containsEntry("TopicArn", arn)
                .containsEntry("PendingConfirmation", "false");

        sns.deleteTopic(b -> b.topicArn(arn));
        NotFoundException e = catchThrowableOfType(NotFoundException.class,
                () -> sns.getSubscriptionAttributes(b -> b.subscriptionArn(sub)));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFound");
    }

    @Test
    void badInputGetsSnsErrorCodes() {
        String arn = sns.createTopic(b -> b.name(AwsTestBroker.unique("t"))).topicArn();

        assertThat(catchThrowableOfType(InvalidParameterException.class, () -> sns.createTopic(b -> b.name("bad name")))
                .awsErrorDetails().errorMessage()).isEqualTo("Invalid parameter: Topic Name");
        // Dots join words (FerryMQ's extension, for broker topic names); AWS's other rules still hold.
        for (String bad : List.of("orders..eu", ".orders", "orders.", "orders.e u", "x".repeat(257))) {
            assertThat(catchThrowableOfType(InvalidParameterException.class, () -> sns.createTopic(b -> b.name(bad)))
                    .awsErrorDetails().errorMessage()).as(bad).isEqualTo("Invalid parameter: Topic Name");
        }
        assertThat(sns.createTopic(b -> b.name("orders.eu.v1")).topicArn()).endsWith(":orders.eu.v1");
        assertThat(catchThrowableOfType(InvalidParameterException.class, () -> sns.createTopic(b -> b.name("orders.fifo"))))
                .as("a .fifo name is still only a FIFO topic's").isNotNull();
        assertThat(sns.createTopic(b -> b.name("orders.eu.fifo").attributes(java.util.Map.of("FifoTopic", "true")))
                .topicArn()).endsWith(":orders.eu.fifo");
        assertThat(catchThrowableOfType(InvalidParameterException.class,
                () -> sns.subscribe(b -> b.topicArn(arn).protocol("smtp").endpoint("x")))
                .awsErrorDetails().errorMessage()).contains("does not support this protocol string");
        assertThat(catchThrowableOfType(InvalidParameterException.class,
                () -> sns.publish(b -> b.topicArn(arn).message("")))
                .awsErrorDetails().errorMessage()).isEqualTo("Invalid parameter: Empty message");
        assertThat(catchThrowableOfType(NotFoundException.class,
                () -> sns.publish(b -> b.topicArn(arn + "-missing").message("x")))
                .awsErrorDetails().errorMessage()).isEqualTo("Topic does not exist");
        assertThat(catchThrowableOfType(InvalidParameterException.class,
                () -> sns.publish(b -> b.topicArn(arn).message("x".repeat(262_145))))
                .awsErrorDetails().errorMessage()).contains("Message too long");
        assertThat(catchThrowableOfType(software.amazon.awssdk.services.sns.model.EmptyBatchRequestException.class,
                () -> sns.publishBatch(b -> b.topicArn(arn).publishBatchRequestEntries(List.of())))
                .awsErrorDetails().errorCode()).isEqualTo("EmptyBatchRequest");
        assertThat(catchThrowableOfType(software.amazon.awssdk.services.sns.model.BatchEntryIdsNotDistinctException.class,
                () -> sns.publishBatch(b -> b.topicArn(arn).publishBatchRequestEntries(
                        e -> e.id("a").message("1"), e -> e.id("a").message("2"))))
                .awsErrorDetails().errorCode()).isEqualTo("BatchEntryIdsNotDistinct");
    }
}
