package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Topics and subscriptions, in memory for lookups and in the state stores {@code aws.sns.topics} / {@code aws.sns.subscriptions}. */
final class SnsRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SnsRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore topicStore;
    private final StateStore subscriptionStore;
    private final Map<String, TopicMeta> topics = new ConcurrentHashMap<>();
    private final Map<String, SubscriptionMeta> subscriptions = new ConcurrentHashMap<>();

    SnsRegistry(Broker broker) {
        topicStore = broker.stateStore("aws.sns.topics");
        subscriptionStore = broker.stateStore("aws.sns.subscriptions");
        topicStore.all().forEach((k, v) -> {
            try {
                TopicMeta t = topic(JSON.readTree(v));
                topics.put(t.arn(), t);
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("Ignoring unreadable SNS topic '{}': {}", k, e.toString());
            }
        });
        subscriptionStore.all().forEach((k, v) -> {
            try {
                SubscriptionMeta s = subscription(JSON.readTree(v));
                subscriptions.put(s.arn(), s);
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("Ignoring unreadable SNS subscription '{}': {}", k, e.toString());
            }
        });
    }

    TopicMeta topic(String arn) {
        return arn == null ? null : topics.get(arn);
    }

    List<TopicMeta> topics(String vhost) {
        List<TopicMeta> out = new ArrayList<>();
        for (TopicMeta t : topics.values()) {
            if (t.vhost().equals(vhost)) {
                out.add(t);
            }
        }
        out.sort((a, b) -> a.arn().compareTo(b.arn()));
        return out;
    }

    CompletableFuture<Void> put(TopicMeta t) {
        topics.put(t.arn(), t);
        return topicStore.put(t.arn(), bytes(topicJson(t)));
    }

    CompletableFuture<Void> remove(TopicMeta t) {
        topics.remove(t.arn());
        return topicStore.remove(t.arn());
    }

    SubscriptionMeta subscription(String arn) {
        return arn == null ? null : subscriptions.get(arn);
    }

    List<SubscriptionMeta> subscriptions() {
        List<SubscriptionMeta> out = new ArrayList<>(subscriptions.values());
        out.sort((a, b) -> a.arn().compareTo(b.arn()));
        return out;
    }

    List<SubscriptionMeta> subscriptionsOf(String topicArn) {
        List<SubscriptionMeta> out = new ArrayList<>();
        for (SubscriptionMeta s : subscriptions.values()) {
            if (s.topicArn().equals(topicArn)) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.arn().compareTo(b.arn()));
        return out;
    }

    CompletableFuture<Void> put(SubscriptionMeta s) {
        subscriptions.put(s.arn(), s);
        return subscriptionStore.put(s.id(), bytes(subscriptionJson(s)));
    }

    CompletableFuture<Void> remove(SubscriptionMeta s) {
        subscriptions.remove(s.arn());
        return subscriptionStore.remove(s.id());
    }

    private static byte[] bytes(ObjectNode o) {
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode topicJson(TopicMeta t) {
        ObjectNode o = JSON.createObjectNode().put("vhost", t.vhost()).put("name", t.name()).put("arn", t.arn())
                .put("owner", t.owner()).put("created", t.created());
        o.set("attributes", JSON.valueToTree(t.attributes()));
        o.set("tags", JSON.valueToTree(t.tags()));
        return o;
    }

    private static TopicMeta topic(JsonNode n) {
        return new TopicMeta(n.path("vhost").asText(), n.path("name").asText(), n.path("arn").asText(),
                n.path("owner").asText(), map(n.path("attributes")), map(n.path("tags")), n.path("created").asLong());
    }

    private static ObjectNode subscriptionJson(SubscriptionMeta s) {
        ObjectNode o = JSON.createObjectNode().put("id", s.id()).put("arn", s.arn()).put("vhost", s.vhost())
                .put("topicName", s.topicName()).put("topicArn", s.topicArn()).put("owner", s.owner())
                .put("protocol", s.protocol()).put("endpoint", s.endpoint()).put("user", s.user())
                .put("confirmed", s.confirmed()).put("token", s.token()).put("baseUrl", s.baseUrl());
        o.set("attributes", JSON.valueToTree(s.attributes()));
        return o;
    }

    private static SubscriptionMeta subscription(JsonNode n) {
        return new SubscriptionMeta(n.path("id").asText(), n.path("arn").asText(), n.path("vhost").asText(),
                n.path("topicName").asText(), n.path("topicArn").asText(), n.path("owner").asText(),
                n.path("protocol").asText(), n.path("endpoint").asText(), n.path("user").asText(),
                map(n.path("attributes")), n.path("confirmed").asBoolean(), n.path("token").asText(null),
                n.path("baseUrl").asText(null));
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
