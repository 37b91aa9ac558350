package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.ferrymq.aws.SnsFixtures.receive;
import static io.ferrymq.aws.SnsFixtures.subscribedQueue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Filter policies, one case per operator: a queue subscribed with the policy gets the matching message and
 * not the other. Each case publishes the non-matching message first and a matching one after it, so
 * receiving the matching one proves the other was filtered (the topic routes them in order).
 */
class SnsFilterPolicyTest {

    static AwsTestBroker broker;
    static SqsClient sqs;
    static SnsClient sns;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
        sqs = broker.sqs();
        sns = broker.sns();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** Attributes are written {@code name:Type=value;...}; for body scope, the message bodies are JSON. */
    record Case(String name, String scope, String policy, String matching, String other) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("exact string", "MessageAttributes", "{\"colour\":[\"red\",\"blue\"]}",
                        "colour:String=blue", "colour:String=green"),
                new Case("exact number", "MessageAttributes", "{\"size\":[5]}", "size:Number=5.0", "size:Number=6"),
                new Case("prefix", "MessageAttributes", "{\"region\":[{\"prefix\":\"eu-\"}]}",
                        "region:String=eu-west-1", "region:String=us-east-1"),
                new Case("suffix", "MessageAttributes", "{\"file\":[{\"suffix\":\".png\"}]}",
                        "file:String=a.png", "file:String=a.jpg"),
                new Case("equals-ignore-case", "MessageAttributes", "{\"level\":[{\"equals-ignore-case\":\"ERROR\"}]}",
                        "level:String=error", "level:String=warn"),
                new Case("anything-but values", "MessageAttributes", "{\"colour\":[{\"anything-but\":[\"red\",\"blue\"]}]}",
                        "colour:String=green", "colour:String=red"),
                new Case("anything-but prefix", "MessageAttributes",
                        "{\"colour\":[{\"anything-but\":{\"prefix\":\"re\"}}]}", "colour:String=green",
                        "colour:String=red"),
                new Case("anything-but suffix", "MessageAttributes",
                        "{\"file\":[{\"anything-but\":{\"suffix\":\".tmp\"}}]}", "file:String=a.txt",
                        "file:String=a.tmp"),
                new Case("anything-but equals-ignore-case", "MessageAttributes",
                        "{\"colour\":[{\"anything-but\":{\"equals-ignore-case\":[\"RED\"]}}]}", "colour:String=blue",
                        "colour:String=Red"),
                new Case("anything-but number", "MessageAttributes", "{\"size\":[{\"anything-but\":[100]}]}",
                        "size:Number=99", "size:Number=100"),
                new Case("numeric range", "MessageAttributes", "{\"price\":[{\"numeric\":[\">\",0,\"<=\",150]}]}",
                        "price:Number=150", "price:Number=150.5"),
                new Case("numeric equals", "MessageAttributes", "{\"price\":[{\"numeric\":[\"=\",3.5]}]}",
                        "price:Number=3.50", "price:Number=3.6"),
                new Case("exists true", "MessageAttributes", "{\"tag\":[{\"exists\":true}]}", "tag:String=x",
                        "other:String=x"),
                new Case("exists false", "MessageAttributes", "{\"tag\":[{\"exists\":false}]}", "other:String=x",
                        "tag:String=x"),
                new Case("cidr", "MessageAttributes", "{\"source\":[{\"cidr\":\"10.0.0.0/24\"}]}",
                        "source:String=10.0.0.255", "source:String=10.0.1.1"),
                new Case("string array attribute", "MessageAttributes", "{\"tags\":[\"b\"]}",
                        "tags:String.Array=[\"a\",\"b\"]", "tags:String.Array=[\"a\",\"c\"]"),
                new Case("several keys are all required", "MessageAttributes",
                        "{\"colour\":[\"red\"],\"size\":[{\"numeric\":[\">=\",10]}]}", "colour:String=red;size:Number=10",
                        "colour:String=red;size:Number=9"),
                new Case("$or", "MessageAttributes",
                        "{\"$or\":[{\"colour\":[\"red\"]},{\"size\":[{\"numeric\":[\">\",100]}]}]}",
                        "colour:String=blue;size:Number=101", "colour:String=blue;size:Number=1"),
                new Case("body exact nested", "MessageBody", "{\"order\":{\"state\":[\"paid\"]}}",
                        "{\"order\":{\"state\":\"paid\",\"id\":1}}", "{\"order\":{\"state\":\"open\",\"id\":2}}"),
                new Case("body numeric and prefix", "MessageBody",
                        "{\"total\":[{\"numeric\":[\">=\",100]}],\"sku\":[{\"prefix\":\"A-\"}]}",
                        "{\"total\":250,\"sku\":\"A-7\"}", "{\"total\":250,\"sku\":\"B-7\"}"),
                new Case("body array values", "MessageBody", "{\"tags\":[\"urgent\"]}",
                        "{\"tags\":[\"low\",\"urgent\"]}", "{\"tags\":[\"low\"]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aSubscriptionGetsOnlyWhatItsPolicyMatches(Case c) {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("fp"))).topicArn();
        String q = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true",
                "FilterPolicy", c.policy(), "FilterPolicyScope", c.scope()));

        publish(topic, c, "not-matching", c.other());
        publish(topic, c, "matching", c.matching());

        List<Message> got = receive(sqs, q, 1, Duration.ofSeconds(20));
        assertThat(got).hasSize(1);
        assertThat(label(got.get(0), c)).isEqualTo("matching");
    }

    private static void publish(String topic, Case c, String label, String spec) {
        if (c.scope().equals("MessageBody")) {
            sns.publish(b -> b.topicArn(topic).message(spec).messageAttributes(Map.of("label",
                    MessageAttributeValue.builder().dataType("String").stringValue(label).build())));
            return;
        }
        Map<String, MessageAttributeValue> attrs = new LinkedHashMap<>();
        for (String a : spec.split(";")) {
            String name = a.substring(0, a.indexOf(':'));
            String type = a.substring(a.indexOf(':') + 1, a.indexOf('='));
            attrs.put(name, MessageAttributeValue.builder().dataType(type).stringValue(a.substring(a.indexOf('=') + 1))
                    .build());
        }
        sns.publish(b -> b.topicArn(topic).message(label).messageAttributes(attrs));
    }

    private static String label(Message m, Case c) {
        return c.scope().equals("MessageBody") ? m.messageAttributes().get("label").stringValue() : m.body();
    }

    @Test
    void theFilterPolicyCanBeChangedOnALiveSubscription() {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("fp"))).topicArn();
        String q = subscribedQueue(sqs, sns, topic, Map.of("RawMessageDelivery", "true",
                "FilterPolicy", "{\"k\":[\"a\"]}"));
        String sub = sns.listSubscriptionsByTopic(b -> b.topicArn(topic)).subscriptions().get(0).subscriptionArn();

        sns.setSubscriptionAttributes(b -> b.subscriptionArn(sub).attributeName("FilterPolicy")
                .attributeValue("{\"k\":[\"b\"]}"));
        sns.publish(b -> b.topicArn(topic).message("a").messageAttributes(Map.of("k",
                MessageAttributeValue.builder().dataType("String").stringValue("a").build())));
        sns.publish(b -> b.topicArn(topic).message("b").messageAttributes(Map.of("k",
                MessageAttributeValue.builder().dataType("String").stringValue("b").build())));

        assertThat(receive(sqs, q, 1, Duration.ofSeconds(20))).extracting(Message::body).containsExactly("b");
        assertThat(sns.getSubscriptionAttributes(b -> b.subscriptionArn(sub)).attributes())
                .containsEntry("FilterPolicy", "{\"k\":[\"b\"]}");
    }

    static Stream<String> badPolicies() {
        return Stream.of(
                "not json",
                "{}",
                "{\"a\":[1],\"b\":[1],\"c\":[1],\"d\":[1],\"e\":[1],\"f\":[1]}",
                "{\"n\":[{\"numeric\":[\">\",\"x\"]}]}",
                "{\"n\":[{\"numeric\":[\">\",2000000000]}]}",
                "{\"n\":[{\"cidr\":\"10.0.0.0/99\"}]}",
                "{\"n\":[{\"unknown-operator\":1}]}",
                "{\"$or\":[{\"a\":[1]}]}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPolicies")
    void anInvalidPolicyIsRefused(String policy) {
        String topic = sns.createTopic(b -> b.name(AwsTestBroker.unique("fp"))).topicArn();
        String url = sqs.createQueue(b -> b.queueName(AwsTestBroker.unique("q"))).queueUrl();

        InvalidParameterException e = catchThrowableOfType(InvalidParameterException.class, () ->
                sns.subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(SnsFixtures.queueArn(sqs, url))
                        .attributes(Map.of("FilterPolicy", policy))));

        assertThat(e).isNotNull();
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameter");
        assertThat(e.awsErrorDetails().errorMessage()).contains("FilterPolicy");
    }
}
