package io.ferrymq.aws.sns;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An SNS subscription. For {@code sqs} and {@code ferrymq} queue endpoints it is a binding from the
 * topic's exchange to the queue; for {@code http}/{@code https} a binding to a durable delivery queue
 * ({@link #deliveryQueue()}) that a worker drains to the endpoint; for {@code ferrymq} exchange endpoints
 * the broker republishes on each publish.
 *
 * @param user    the broker user that subscribed: deliveries act as it
 * @param baseUrl where this broker's SNS endpoint is reachable, for SigningCertURL and friends
 * @param token   the confirmation token (http/https)
 */
public record SubscriptionMeta(String id, String arn, String vhost, String topicName, String topicArn, String owner,
                               String protocol, String endpoint, String user, Map<String, String> attributes,
                               boolean confirmed, String token, String baseUrl) {

    public SubscriptionMeta {
        attributes = Map.copyOf(attributes);
    }

    public boolean raw() {
        return "true".equalsIgnoreCase(attributes.get("RawMessageDelivery"));
    }

    public String attribute(String n) {
        return attributes.get(n);
    }

    public boolean http() {
        return protocol.equals("http") || protocol.equals("https");
    }

    public String deliveryQueue() {
        return "aws.sns.http." + id;
    }

    public SubscriptionMeta withAttribute(String n, String v) {
        Map<String, String> a = new LinkedHashMap<>(attributes);
        if (v == null || v.isEmpty()) {
            a.remove(n);
        } else {
            a.put(n, v);
        }
        return new SubscriptionMeta(id, arn, vhost, topicName, topicArn, owner, protocol, endpoint, user, a, confirmed,
                token, baseUrl);
    }

    public SubscriptionMeta confirm() {
        return new SubscriptionMeta(id, arn, vhost, topicName, topicArn, owner, protocol, endpoint, user, attributes,
                true, token, baseUrl);
    }
}
