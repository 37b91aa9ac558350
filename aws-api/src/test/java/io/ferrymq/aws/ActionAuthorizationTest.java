package io.ferrymq.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.ferrymq.aws.sns.SnsService;
import io.ferrymq.aws.sqs.SqsService;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.Tag;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every SQS and SNS action is authorised by the broker's permissions on the queue or topic it addresses:
 * for each action, a user holding every permission except the ones the action needs is refused with AWS's
 * own error (AccessDenied / AuthorizationError, 403) or, for listings, does not see the resource; a user
 * holding just one of the needed permissions succeeds. Permissions are granted on {@code *}, which matches
 * every SQS queue and SNS topic name (they have no dots), so each user's rights are exactly its set.
 */
class ActionAuthorizationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Permission> ALL = EnumSet.allOf(Permission.class);
    private static final Set<Permission> READ = EnumSet.of(Permission.CONSUME, Permission.MANAGE);

    /** One action: what it needs, and how to call it on resources the administrator prepares. */
    record Row(String service, String action, List<Set<Permission>> lacking, List<Set<Permission>> granted,
               Prepare prepare) {
    }

    /** Prepares fresh resources as the administrator and returns the call to make as the user under test. */
    interface Prepare {
        Call prepare();
    }

    /** The call; returns whether the user saw the resource (listings), true for every other action. */
    interface Call {
        boolean run(SqsClient sqs, SnsClient sns);
    }

    private static AwsTestBroker broker;
    private static SqsClient admin;
    private static SnsClient adminSns;
    private static HttpServer hook;
    private static final Map<String, String> confirmationTokens = new ConcurrentHashMap<>();
    private static final Map<String, SqsClient> sqsAs = new ConcurrentHashMap<>();
    private static final Map<String, SnsClient> snsAs = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Set<Set<Permission>> sets = new java.util.HashSet<>();
        for (Row r : rows()) {
            sets.addAll(r.lacking());
            sets.addAll(r.granted());
        }
        List<UserAccount> users = new ArrayList<>();
        List<PermissionRule> rules = new ArrayList<>();
        Map<String, AwsApiSettings.AccessKey> keys = new LinkedHashMap<>();
        users.add(new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("admins"), true));
        rules.add(new PermissionRule("*", NamePattern.of("#"), ALL, Set.of("admins"), Set.of()));
        // The user of the report: send, consume and create on allowed.# only.
        users.add(new UserAccount("limited", PasswordHash.create("x", 1000), Set.of(), false));
        rules.add(new PermissionRule("*", NamePattern.of("allowed.#"), EnumSet.of(Permission.SEND,
                Permission.CONSUME, Permission.CREATE), Set.of(), Set.of("limited")));
        keys.put("limited", new AwsApiSettings.AccessKey("secret", "limited", null));
        for (Set<Permission> s : sets) {
            String name = user(s);
            users.add(new UserAccount(name, PasswordHash.create("x", 1000), Set.of(), false));
            rules.add(new PermissionRule("*", NamePattern.of("*"), s, Set.of(), Set.of(name)));
            keys.put(name, new AwsApiSettings.AccessKey("secret", name, null));
        }
        broker = AwsTestBroker.start(AwsApiSettings.defaults().withAccessKeys(keys),
                new ConfiguredRealm(users, rules, null));
        admin = broker.sqs();
        adminSns = broker.sns();
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            JsonNode body = JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if ("SubscriptionConfirmation".equals(body.path("Type").asText())) {
                confirmationTokens.put(body.path("TopicArn").asText(), body.path("Token").asText());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
    }

    @AfterAll
    static void stop() {
        hook.stop(0);
        broker.close();
    }

    /** The user holding exactly this set of permissions on every queue and topic. */
    private static String user(Set<Permission> s) {
        return s.isEmpty() ? "none" : s.stream().sorted().map(p -> p.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining("-"));
    }

    private static Set<Permission> allBut(Set<Permission> s) {
        Set<Permission> out = EnumSet.allOf(Permission.class);
        out.removeAll(s);
        return out;
    }

    /** Refused by whoever lacks all of {@code needs}; allowed for whoever holds any one of them. */
    private static Row row(String service, String action, Set<Permission> needs, Prepare prepare) {
        return new Row(service, action, List.of(allBut(needs)), needs.stream().map(EnumSet::of)
                .map(s -> (Set<Permission>) s).toList(), prepare);
    }

    @Test
    void theTableCoversEverySqsAndSnsAction() {
        assertThat(rows().stream().filter(r -> r.service().equals("sqs")).map(Row::action))
                .containsExactlyInAnyOrderElementsOf(SqsService.ACTIONS);
        assertThat(rows().stream().filter(r -> r.service().equals("sns")).map(Row::action))
                .containsExactlyInAnyOrderElementsOf(SnsService.ACTIONS);
    }

    @Test
    void theReportedCaseIsRefused() {
        // send/consume/create on allowed.#, as in the report: nothing on a queue named secret.
        String url = admin.createQueue(b -> b.queueName(AwsTestBroker.unique("secret"))).queueUrl();
        SqsClient limited = broker.sqs("limited", "secret");
        List<Runnable> calls = List.of(
                () -> limited.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(
                        QueueAttributeName.MESSAGE_RETENTION_PERIOD, "60", QueueAttributeName.DELAY_SECONDS, "5"))),
                () -> limited.tagQueue(b -> b.queueUrl(url).tags(Map.of("team", "a"))),
                () -> limited.addPermission(b -> b.queueUrl(url).label("l1").awsAccountIds("111122223333")
                        .actions("SendMessage")),
                () -> limited.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)));
        for (Runnable call : calls) {
            AwsServiceException e = catchThrowableOfType(AwsServiceException.class, call::run);
            assertThat(e).isNotNull();
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
            assertThat(e.awsErrorDetails().errorMessage()).contains("user 'limited' may not call");
        }
        Map<QueueAttributeName, String> attrs = admin.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.ALL)).attributes();
        assertThat(attrs).containsEntry(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "345600")
                .containsEntry(QueueAttributeName.DELAY_SECONDS, "0").doesNotContainKey(QueueAttributeName.POLICY);
        assertThat(admin.listQueueTags(b -> b.queueUrl(url)).tags()).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyActionIsRefusedWithoutItsPermissionAndAllowedWithIt() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row r : rows()) {
            for (Set<Permission> s : r.lacking()) {
                tests.add(DynamicTest.dynamicTest(r.service() + " " + r.action() + " refused for " + user(s),
                        () -> refused(r, s)));
            }
            for (Set<Permission> s : r.granted()) {
                tests.add(DynamicTest.dynamicTest(r.service() + " " + r.action() + " allowed for " + user(s),
                        () -> assertThat(r.prepare().prepare().run(sqsAs(s), snsAs(s))).as("sees the resource").isTrue()));
            }
        }
        return tests.stream();
    }

    private static void refused(Row r, Set<Permission> s) {
        Call call = r.prepare().prepare();
        AwsServiceException e = catchThrowableOfType(AwsServiceException.class, () -> {
            boolean saw = call.run(sqsAs(s), snsAs(s));
            assertThat(saw).as("a listing shows the resource to " + user(s)).isFalse();
        });
        if (e == null) {
            return;
        }
        assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(403);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(r.service().equals("sqs") ? "AccessDenied"
                : "AuthorizationError");
        assertThat(e.awsErrorDetails().errorMessage()).contains("user '" + user(s) + "' may not");
    }

    private static SqsClient sqsAs(Set<Permission> s) {
        return sqsAs.computeIfAbsent(user(s), u -> broker.sqs(u, "secret"));
    }

    private static SnsClient snsAs(Set<Permission> s) {
        return snsAs.computeIfAbsent(user(s), u -> broker.sns(u, "secret"));
    }

    // ------------------------------------------------------------------ fixtures, made by the administrator

    private static String queue() {
        String name = AwsTestBroker.unique("acl");
        return admin.createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static String name(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static String arn(String url) {
        return SnsFixtures.queueArn(admin, url);
    }

    private static String receiptHandle(String url) {
        admin.sendMessage(b -> b.queueUrl(url).messageBody("m"));
        return admin.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages().get(0).receiptHandle();
    }

    /** A dead-letter queue with a source queue redriving to it; returns the dead-letter queue's URL. */
    private static String deadLetterQueue() {
        String dlq = queue();
        String source = queue();
        admin.setQueueAttributes(b -> b.queueUrl(source).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + arn(dlq) + "\",\"maxReceiveCount\":\"1\"}")));
        return dlq;
    }

    private static String topic() {
        return adminSns.createTopic(b -> b.name(AwsTestBroker.unique("acl"))).topicArn();
    }

    private static String subscription(String topic) {
        return adminSns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(arn(queue()))
                .returnSubscriptionArn(true)).subscriptionArn();
    }

    private static Call sqsCall(java.util.function.Consumer<SqsClient> c) {
        return (sqs, sns) -> {
            c.accept(sqs);
            return true;
        };
    }

    private static Call snsCall(java.util.function.Consumer<SnsClient> c) {
        return (sqs, sns) -> {
            c.accept(sns);
            return true;
        };
    }

    static List<Row> rows() {
        Set<Permission> send = EnumSet.of(Permission.SEND);
        Set<Permission> consume = EnumSet.of(Permission.CONSUME);
        Set<Permission> create = EnumSet.of(Permission.CREATE);
        Set<Permission> delete = EnumSet.of(Permission.DELETE);
        Set<Permission> manage = EnumSet.of(Permission.MANAGE);
        List<Row> rows = new ArrayList<>();
        // SQS
        rows.add(row("sqs", "CreateQueue", create, () -> {
            String name = AwsTestBroker.unique("acl");
            return sqsCall(c -> c.createQueue(b -> b.queueName(name)));
        }));
        rows.add(row("sqs", "DeleteQueue", delete, () -> {
            String url = queue();
            return sqsCall(c -> c.deleteQueue(b -> b.queueUrl(url)));
        }));
        rows.add(row("sqs", "PurgeQueue", delete, () -> {
            String url = queue();
            return sqsCall(c -> c.purgeQueue(b -> b.queueUrl(url)));
        }));
        rows.add(row("sqs", "GetQueueUrl", ALL, () -> {
            String name = name(queue());
            return sqsCall(c -> c.getQueueUrl(b -> b.queueName(name)));
        }));
        rows.add(row("sqs", "ListQueues", ALL, () -> {
            String name = name(queue());
            return (sqs, sns) -> sqs.listQueues(b -> b.queueNamePrefix(name)).queueUrls().stream()
                    .anyMatch(u -> u.endsWith("/" + name));
        }));
        rows.add(row("sqs", "GetQueueAttributes", READ, () -> {
            String url = queue();
            return sqsCall(c -> c.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)));
        }));
        rows.add(row("sqs", "ListQueueTags", READ, () -> {
            String url = queue();
            return sqsCall(c -> c.listQueueTags(b -> b.queueUrl(url)));
        }));
        rows.add(row("sqs", "ListDeadLetterSourceQueues", READ, () -> {
            String dlq = deadLetterQueue();
            return sqsCall(c -> c.listDeadLetterSourceQueues(b -> b.queueUrl(dlq)));
        }));
        rows.add(row("sqs", "ListMessageMoveTasks", READ, () -> {
            String dlqArn = arn(deadLetterQueue());
            return sqsCall(c -> c.listMessageMoveTasks(b -> b.sourceArn(dlqArn)));
        }));
        rows.add(row("sqs", "SetQueueAttributes", manage, () -> {
            String url = queue();
            return sqsCall(c -> c.setQueueAttributes(b -> b.queueUrl(url)
                    .attributes(Map.of(QueueAttributeName.DELAY_SECONDS, "5"))));
        }));
        rows.add(row("sqs", "TagQueue", manage, () -> {
            String url = queue();
            return sqsCall(c -> c.tagQueue(b -> b.queueUrl(url).tags(Map.of("team", "a"))));
        }));
        rows.add(row("sqs", "UntagQueue", manage, () -> {
            String url = queue();
            admin.tagQueue(b -> b.queueUrl(url).tags(Map.of("team", "a")));
            return sqsCall(c -> c.untagQueue(b -> b.queueUrl(url).tagKeys("team")));
        }));
        rows.add(row("sqs", "AddPermission", manage, () -> {
            String url = queue();
            return sqsCall(c -> c.addPermission(b -> b.queueUrl(url).label("l1").awsAccountIds("111122223333")
                    .actions("SendMessage")));
        }));
        rows.add(row("sqs", "RemovePermission", manage, () -> {
            String url = queue();
            admin.addPermission(b -> b.queueUrl(url).label("l1").awsAccountIds("111122223333").actions("SendMessage"));
            return sqsCall(c -> c.removePermission(b -> b.queueUrl(url).label("l1")));
        }));
        rows.add(row("sqs", "SendMessage", send, () -> {
            String url = queue();
            return sqsCall(c -> c.sendMessage(b -> b.queueUrl(url).messageBody("hi")));
        }));
        rows.add(row("sqs", "SendMessageBatch", send, () -> {
            String url = queue();
            return sqsCall(c -> c.sendMessageBatch(b -> b.queueUrl(url).entries(
                    SendMessageBatchRequestEntry.builder().id("1").messageBody("hi").build())));
        }));
        rows.add(row("sqs", "ReceiveMessage", consume, () -> {
            String url = queue();
            admin.sendMessage(b -> b.queueUrl(url).messageBody("m"));
            return sqsCall(c -> assertThat(c.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages()).hasSize(1));
        }));
        rows.add(row("sqs", "DeleteMessage", consume, () -> {
            String url = queue();
            String handle = receiptHandle(url);
            return sqsCall(c -> c.deleteMessage(b -> b.queueUrl(url).receiptHandle(handle)));
        }));
        rows.add(row("sqs", "DeleteMessageBatch", consume, () -> {
            String url = queue();
            String handle = receiptHandle(url);
            return sqsCall(c -> assertThat(c.deleteMessageBatch(b -> b.queueUrl(url).entries(
                    DeleteMessageBatchRequestEntry.builder().id("1").receiptHandle(handle).build())).successful()).hasSize(1));
        }));
        rows.add(row("sqs", "ChangeMessageVisibility", consume, () -> {
            String url = queue();
            String handle = receiptHandle(url);
            return sqsCall(c -> c.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(handle).visibilityTimeout(60)));
        }));
        rows.add(row("sqs", "ChangeMessageVisibilityBatch", consume, () -> {
            String url = queue();
            String handle = receiptHandle(url);
            return sqsCall(c -> assertThat(c.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(
                    ChangeMessageVisibilityBatchRequestEntry.builder().id("1").receiptHandle(handle).visibilityTimeout(60)
                            .build())).successful()).hasSize(1));
        }));
        // Moving messages takes them from the dead-letter queue and sends them to the destination.
        rows.add(new Row("sqs", "StartMessageMoveTask", List.of(allBut(consume), allBut(send)),
                List.of(EnumSet.of(Permission.CONSUME, Permission.SEND)), () -> {
            String dlqArn = arn(deadLetterQueue());
            String destinationArn = arn(queue());
            return sqsCall(c -> c.startMessageMoveTask(b -> b.sourceArn(dlqArn).destinationArn(destinationArn)));
        }));
        rows.add(row("sqs", "CancelMessageMoveTask", consume, () -> {
            String dlq = deadLetterQueue();
            // Thirty messages at one a second: the task is still running when the user cancels it.
            for (int i = 0; i < 30; i++) {
                admin.sendMessage(b -> b.queueUrl(dlq).messageBody("stuck"));
            }
            String dlqArn = arn(dlq);
            String destinationArn = arn(queue());
            String handle = admin.startMessageMoveTask(b -> b.sourceArn(dlqArn).destinationArn(destinationArn)
                    .maxNumberOfMessagesPerSecond(1)).taskHandle();
            return sqsCall(c -> c.cancelMessageMoveTask(b -> b.taskHandle(handle)));
        }));
        // SNS
        rows.add(row("sns", "CreateTopic", create, () -> {
            String name = AwsTestBroker.unique("acl");
            return snsCall(c -> c.createTopic(b -> b.name(name)));
        }));
        rows.add(row("sns", "DeleteTopic", delete, () -> {
            String topic = topic();
            return snsCall(c -> c.deleteTopic(b -> b.topicArn(topic)));
        }));
        rows.add(row("sns", "ListTopics", ALL, () -> {
            String topic = topic();
            return (sqs, sns) -> sns.listTopicsPaginator().topics().stream().anyMatch(t -> t.topicArn().equals(topic));
        }));
        rows.add(row("sns", "ListSubscriptions", ALL, () -> {
            String topic = topic();
            subscription(topic);
            return (sqs, sns) -> sns.listSubscriptionsPaginator().subscriptions().stream()
                    .anyMatch(s -> s.topicArn().equals(topic));
        }));
        rows.add(row("sns", "GetTopicAttributes", READ, () -> {
            String topic = topic();
            return snsCall(c -> c.getTopicAttributes(b -> b.topicArn(topic)));
        }));
        rows.add(row("sns", "ListSubscriptionsByTopic", READ, () -> {
            String topic = topic();
            subscription(topic);
            return snsCall(c -> assertThat(c.listSubscriptionsByTopic(b -> b.topicArn(topic)).subscriptions()).hasSize(1));
        }));
        rows.add(row("sns", "GetSubscriptionAttributes", READ, () -> {
            String sub = subscription(topic());
            return snsCall(c -> c.getSubscriptionAttributes(b -> b.subscriptionArn(sub)));
        }));
        rows.add(row("sns", "ListTagsForResource", READ, () -> {
            String topic = topic();
            return snsCall(c -> c.listTagsForResource(b -> b.resourceArn(topic)));
        }));
        rows.add(row("sns", "SetTopicAttributes", manage, () -> {
            String topic = topic();
            return snsCall(c -> c.setTopicAttributes(b -> b.topicArn(topic).attributeName("DisplayName")
                    .attributeValue("shown")));
        }));
        rows.add(row("sns", "TagResource", manage, () -> {
            String topic = topic();
            return snsCall(c -> c.tagResource(b -> b.resourceArn(topic).tags(Tag.builder().key("team").value("a").build())));
        }));
        rows.add(row("sns", "UntagResource", manage, () -> {
            String topic = topic();
            adminSns.tagResource(b -> b.resourceArn(topic).tags(Tag.builder().key("team").value("a").build()));
            return snsCall(c -> c.untagResource(b -> b.resourceArn(topic).tagKeys("team")));
        }));
        rows.add(row("sns", "AddPermission", manage, () -> {
            String topic = topic();
            return snsCall(c -> c.addPermission(b -> b.topicArn(topic).label("l1").awsAccountIds("111122223333")
                    .actionNames("Publish")));
        }));
        rows.add(row("sns", "RemovePermission", manage, () -> {
            String topic = topic();
            adminSns.addPermission(b -> b.topicArn(topic).label("l1").awsAccountIds("111122223333").actionNames("Publish"));
            return snsCall(c -> c.removePermission(b -> b.topicArn(topic).label("l1")));
        }));
        rows.add(row("sns", "Publish", send, () -> {
            String topic = topic();
            return snsCall(c -> c.publish(b -> b.topicArn(topic).message("hi")));
        }));
        rows.add(row("sns", "PublishBatch", send, () -> {
            String topic = topic();
            return snsCall(c -> c.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(
                    PublishBatchRequestEntry.builder().id("1").message("hi").build())));
        }));
        // Subscribing a queue binds it to the topic: consume on the topic, and (the core's rule for bindings)
        // create on the queue.
        rows.add(new Row("sns", "Subscribe", List.of(allBut(consume), allBut(create)),
                List.of(EnumSet.of(Permission.CONSUME, Permission.CREATE)), () -> {
            String topic = topic();
            String queueArn = arn(queue());
            return snsCall(c -> c.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(queueArn)));
        }));
        rows.add(row("sns", "ConfirmSubscription", consume, () -> {
            String topic = topic();
            adminSns.subscribe(b -> b.topicArn(topic).protocol("http")
                    .endpoint("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"));
            await().atMost(Duration.ofSeconds(30)).until(() -> confirmationTokens.containsKey(topic));
            String token = confirmationTokens.get(topic);
            return snsCall(c -> c.confirmSubscription(b -> b.topicArn(topic).token(token)));
        }));
        rows.add(row("sns", "Unsubscribe", consume, () -> {
            String sub = subscription(topic());
            return snsCall(c -> c.unsubscribe(b -> b.subscriptionArn(sub)));
        }));
        rows.add(row("sns", "SetSubscriptionAttributes", consume, () -> {
            String sub = subscription(topic());
            return snsCall(c -> c.setSubscriptionAttributes(b -> b.subscriptionArn(sub)
                    .attributeName("RawMessageDelivery").attributeValue("true")));
        }));
        return rows;
    }
}
