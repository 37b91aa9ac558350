package io.ferrymq.aws.sqs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SQS keeps about a queue beyond the core queue itself: the attributes set on it, its tags, and
 * when it was created and last changed. Stored in the broker's journal as JSON.
 */
public record QueueMeta(String vhost, String name, Map<String, String> attributes, Map<String, String> tags,
                        long created, long lastModified) {

    public QueueMeta {
        attributes = Map.copyOf(attributes);
        tags = Map.copyOf(tags);
    }

    public boolean fifo() {
        return name.endsWith(".fifo");
    }

    public String attribute(String name) {
        return attributes.get(name);
    }

    public QueueMeta withAttributes(Map<String, String> changes, long now) {
        Map<String, String> a = new LinkedHashMap<>(attributes);
        changes.forEach((k, v) -> {
            if (v == null || (v.isEmpty() && (k.equals("RedrivePolicy") || k.equals("Policy")
                    || k.equals("RedriveAllowPolicy") || k.equals("KmsMasterKeyId")))) {
                a.remove(k);
            } else {
                a.put(k, v);
            }
        });
        return new QueueMeta(vhost, name, a, tags, created, now);
    }

    public QueueMeta withTags(Map<String, String> newTags) {
        return new QueueMeta(vhost, name, attributes, newTags, created, lastModified);
    }
}
