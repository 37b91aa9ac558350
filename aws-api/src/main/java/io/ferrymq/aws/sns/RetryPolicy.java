package io.ferrymq.aws.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * SNS's HTTP/S delivery retry policy ({@code healthyRetryPolicy}): immediate retries, then retries at the
 * minimum delay, a backoff phase from the minimum to the maximum delay (linear, arithmetic, geometric or
 * exponential), then retries at the maximum delay. AWS's default is 3 retries 20 seconds apart.
 */
record RetryPolicy(int numRetries, int numNoDelayRetries, int numMinDelayRetries, int numMaxDelayRetries,
                   int minDelayTarget, int maxDelayTarget, String backoffFunction) {

    static final RetryPolicy DEFAULT = new RetryPolicy(3, 0, 0, 0, 20, 20, "linear");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The subscription's policy, else the topic's default for HTTP, else AWS's default. */
    static RetryPolicy of(SubscriptionMeta s, TopicMeta t) {
        JsonNode p = parse(s.attribute("DeliveryPolicy")).path("healthyRetryPolicy");
        if (!p.isObject() && t != null) {
            p = parse(t.attribute("DeliveryPolicy")).path("http").path("defaultHealthyRetryPolicy");
        }
        if (!p.isObject()) {
            return DEFAULT;
        }
        return new RetryPolicy(p.path("numRetries").asInt(DEFAULT.numRetries),
                p.path("numNoDelayRetries").asInt(0), p.path("numMinDelayRetries").asInt(0),
                p.path("numMaxDelayRetries").asInt(0), p.path("minDelayTarget").asInt(DEFAULT.minDelayTarget),
                p.path("maxDelayTarget").asInt(DEFAULT.maxDelayTarget), p.path("backoffFunction").asText("linear"));
    }

    private static JsonNode parse(String s) {
        if (s == null || s.isEmpty()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(s);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Checks a DeliveryPolicy document; returns an explanation of what is wrong, or null. */
    static String problem(String json, boolean subscription) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (java.io.IOException e) {
            return "DeliveryPolicy: failed to parse JSON";
        }
        JsonNode p = subscription ? n.path("healthyRetryPolicy") : n.path("http").path("defaultHealthyRetryPolicy");
        if (!p.isObject()) {
            return null;
        }
        int min = p.path("minDelayTarget").asInt(20);
        int max = p.path("maxDelayTarget").asInt(20);
        int retries = p.path("numRetries").asInt(3);
        if (min < 1 || max > 3600 || min > max) {
            return "DeliveryPolicy: minDelayTarget must be at least 1, maxDelayTarget at most 3600, and min <= max";
        }
        if (retries < 0 || retries > 100) {
            return "DeliveryPolicy: numRetries must be between 0 and 100";
        }
        String f = p.path("backoffFunction").asText("linear");
        if (!f.equals("linear") && !f.equals("arithmetic") && !f.equals("geometric") && !f.equals("exponential")) {
            return "DeliveryPolicy: backoffFunction must be linear, arithmetic, geometric or exponential";
        }
        return null;
    }

    /** Seconds to wait before retry {@code n} (1-based), or -1 when retries are exhausted. */
    long delaySeconds(int n) {
        if (n > numRetries) {
            return -1;
        }
        if (n <= numNoDelayRetries) {
            return 0;
        }
        if (n <= numNoDelayRetries + numMinDelayRetries) {
            return minDelayTarget;
        }
        if (n > numRetries - numMaxDelayRetries) {
            return maxDelayTarget;
        }
        int backoffRetries = Math.max(1, numRetries - numNoDelayRetries - numMinDelayRetries - numMaxDelayRetries);
        int i = n - numNoDelayRetries - numMinDelayRetries;
        double f = (double) i / backoffRetries;
        double span = maxDelayTarget - minDelayTarget;
        double d = switch (backoffFunction) {
            case "arithmetic" -> minDelayTarget + span * f * f;
            case "geometric" -> minDelayTarget + span * Math.sqrt(f);
            case "exponential" -> minDelayTarget + span * (Math.pow(2, f * 5) - 1) / 31;
            default -> minDelayTarget + span * f;
        };
        return Math.max(minDelayTarget, Math.min(maxDelayTarget, Math.round(d)));
    }
}
