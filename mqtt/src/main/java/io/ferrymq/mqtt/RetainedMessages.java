package io.ferrymq.mqtt;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.state.MessageFormat;
import io.ferrymq.core.state.StateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last retained message of each topic, per virtual host, in a durable state store so they survive
 * restarts. Publishing an empty retained message clears the topic, as MQTT specifies.
 */
final class RetainedMessages {

    private final StateStore store;

    RetainedMessages(StateStore store) {
        this.store = store;
    }

    void set(String vhost, String topic, Message m) {
        String key = vhost + "\n" + topic;
        if (m.body().length == 0) {
            store.remove(key);
        } else {
            store.put(key, MessageFormat.encode(m.toBuilder().id(0).build()));
        }
    }

    /** The retained messages whose topics match an MQTT filter ($-topics only for filters naming them). */
    List<Message> matching(String vhost, String filter) {
        String prefix = vhost + "\n";
        NamePattern pattern = NamePattern.of(TopicMapping.toPattern(filter));
        boolean wildcardFirst = filter.startsWith("+") || filter.startsWith("#");
        List<Message> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : store.all().entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String topic = e.getKey().substring(prefix.length());
            if (wildcardFirst && topic.startsWith("$")) {
                continue;
            }
            if (pattern.matches(TopicMapping.toKey(topic))) {
                out.add(MessageFormat.decode(e.getValue()));
            }
        }
        return out;
    }

    int count() {
        return store.all().size();
    }
}
