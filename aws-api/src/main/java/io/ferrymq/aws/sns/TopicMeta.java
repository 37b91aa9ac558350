package io.ferrymq.aws.sns;

import java.util.LinkedHashMap;
import java.util.Map;

/** An SNS topic: a fanout exchange of the same name in its account's virtual host, plus these attributes. */
public record TopicMeta(String vhost, String name, String arn, String owner, Map<String, String> attributes,
                        Map<String, String> tags, long created) {

    public TopicMeta {
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
    }

    public boolean fifo() {
        return "true".equalsIgnoreCase(attributes.get("FifoTopic"));
    }

    public String attribute(String n) {
        return attributes.get(n);
    }

    public TopicMeta withAttribute(String n, String v) {
        Map<String, String> a = new LinkedHashMap<>(attributes);
        if (v == null || v.isEmpty()) {
            a.remove(n);
        } else {
            a.put(n, v);
        }
        return new TopicMeta(vhost, name, arn, owner, a, tags, created);
    }

    public TopicMeta withTags(Map<String, String> t) {
        return new TopicMeta(vhost, name, arn, owner, attributes, t, created);
    }
}
