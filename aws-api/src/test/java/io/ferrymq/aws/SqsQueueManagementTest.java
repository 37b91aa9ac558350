package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Queue-level actions: create, find, list, attributes, tags, permissions, delete. */
class SqsQueueManagementTest {

    static AwsTestBroker broker;
    static SqsClient sqs;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        sqs = broker.sqs();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theQueueUrlIsBuiltFromTheHostTheClientAddressed() {
        String name = AwsTestBroker.unique("url");
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();

        assertThat(url).isEqualTo("http://127.0.0.1:" + broker.port() + "/000000000000/" + name);
        assertThat(sqs.getQueueUrl(b -> b.queueName(name)).queueUrl()).isEqualTo(url);
        assertThat(sqs.getQueueUrl(b -> b.queueName(name).queueOwnerAWSAccountId("000000000000")).queueUrl()).isEqualTo(url);
    }

    @Test
    void anSqsQueueIsACoreQueueOfTheSameName() {
        String name = AwsTestBroker.unique("core");
        sqs.createQueue(b -> b.queueName(name));

        assertThat(broker.embedded().broker().vhost("/").queue(name)).isNotNull();
    }

    @Test
    void creatingAgainWithTheSameAttributesIsFineButDifferentOnesAreRefused() {
        String name = AwsTestBroker.unique("again");
        String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "40"))).queueUrl();

        assertThat(sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "40"))).queueUrl())
                .isEqualTo(url);
        assertThatThrownBy(() -> sqs.createQueue(b -> b.queueName(name).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "41"))))
                .isInstanceOfSatisfying(QueueNameExistsException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("QueueAlreadyExists");
                    assertThat(e.getMessage()).contains("VisibilityTimeout");
                });
    }

    @Test
    void listingFiltersByPrefixAndPages() {
        String prefix = AwsTestBroker.unique("list");
        for (int i = 0; i < 5; i++) {
            int n = i;
            sqs.createQueue(b -> b.queueName(prefix + "-" + n));
        }

        assertThat(sqs.listQueues(b -> b.queueNamePrefix(prefix)).queueUrls()).hasSize(5);
        List<String> paged = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            ListQueuesResponse r = sqs.listQueues(b -> b.queueNamePrefix(prefix).maxResults(2).nextToken(t));
            paged.addAll(r.queueUrls());
            token = r.nextToken();
        } while (token != null);
        assertThat(paged).hasSize(5).doesNotHaveDuplicates();
        assertThat(sqs.listQueuesPaginator(b -> b.queueNamePrefix(prefix).maxResults(2)).queueUrls()).hasSize(5);
    }

    @Test
    void attributesHaveDefaultsAndCanBeChanged() {
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("attrs"))).queueUrl();
        Map<QueueAttributeName, String> before = sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL)).attributes();

        assertThat(before).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "30")
                .containsEntry(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1048576")
                .containsEntry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "345600")
                .containsEntry(QueueAttributeName.DELAY_SECONDS, "0")
                .containsKeys(QueueAttributeName.QUEUE_ARN, QueueAttributeName.CREATED_TIMESTAMP,
                        QueueAttributeName.LAST_MODIFIED_TIMESTAMP);
        assertThat(before.get(QueueAttributeName.QUEUE_ARN)).startsWith("arn:aws:sqs:us-east-1:000000000000:attrs-");

        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5",
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "120", QueueAttributeName.POLICY, "{\"Version\":\"2012-10-17\"}")));

        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT,
                QueueAttributeName.MESSAGE_RETENTION_PERIOD)).attributes())
                .containsOnly(Map.entry(QueueAttributeName.VISIBILITY_TIMEOUT, "5"),
                        Map.entry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "120"));
    }

    @Test
    void tagsAreAddedListedAndRemoved() {
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("tags")).tags(Map.of("team", "a"))).queueUrl();
        sqs.tagQueue(b -> b.queueUrl(url).tags(Map.of("env", "test", "team", "b")));

        assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsOnly(Map.entry("team", "b"), Map.entry("env", "test"));
        sqs.untagQueue(b -> b.queueUrl(url).tagKeys("team"));
        assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsOnly(Map.entry("env", "test"));
    }

    @Test
    void permissionsBecomeStatementsOfTheQueuePolicy() {
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("perm"))).queueUrl();
        sqs.addPermission(b -> b.queueUrl(url).label("share").awsAccountIds("111122223333").actions("SendMessage"));

        String policy = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.POLICY))
                .attributes().get(QueueAttributeName.POLICY);
        assertThat(policy).contains("\"Sid\":\"share\"").contains("arn:aws:iam::111122223333:root").contains("SQS:SendMessage");

        sqs.removePermission(b -> b.queueUrl(url).label("share"));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.POLICY)).attributes())
                .doesNotContainKey(QueueAttributeName.POLICY);
    }

    @Test
    void aDeletedQueueIsGone() {
        String name = AwsTestBroker.unique("gone");
        String url = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        sqs.deleteQueue(b -> b.queueUrl(url));

        assertThatThrownBy(() -> sqs.getQueueUrl(b -> b.queueName(name))).isInstanceOfSatisfying(
                QueueDoesNotExistException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("AWS.SimpleQueueService.NonExistentQueue"));
        assertThatThrownBy(() -> sqs.sendMessage(b -> b.queueUrl(url).messageBody("x")))
                .isInstanceOf(QueueDoesNotExistException.class);
        assertThat(broker.embedded().broker().vhost("/").queue(name)).isNull();
    }
}
