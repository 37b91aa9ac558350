package io.ferrymq.aws.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.state.StateStore;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The SQS view of the core's queues: per queue its {@link QueueMeta} (durable, in the state store
 * {@code aws.sqs.queues}). A core queue that some other protocol made is an SQS queue with default
 * attributes; metadata whose core queue was deleted elsewhere is dropped when noticed.
 */
public final class QueueRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRegistry.class);
    public static final String NAMESPACE = "aws.sqs.queues";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SQS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\\.fifo");

    private final StateStore store;
    private final Map<String, QueueMeta> metas = new ConcurrentHashMap<>();

    /** A queue by virtual host and name. */
    public record Entry(String vhost, String name) { }

    public QueueRegistry(Broker broker) {
        this.store = broker.stateStore(NAMESPACE);
        for (Map.Entry<String, byte[]> e : store.all().entrySet()) {
            try {
                QueueMeta m = decode(e.getValue());
                metas.put(e.getKey(), m);
            } catch (RuntimeException | java.io.IOException ex) {
                LOG.warn("Ignoring unreadable SQS queue metadata '{}': {}", e.getKey(), ex.toString());
            }
        }
    }

    static String key(String vhost, String name) {
        return vhost + "\n" + name;
    }

    /** Whether a name is one SQS accepts (1-80 of letters, digits, '-', '_', with .fifo counted in). */
    public static boolean validName(String name) {
        return name != null && SQS_NAME.matcher(name).matches();
    }

    /**
     * The metadata of an existing queue in the session's vhost: stored, or defaults for a core queue SQS did
     * not create; null when the core has no such queue (usable) there.
     */
    public QueueMeta find(Session session, String name) {
        String vhost = session.vhostName();
        QueueDeclaration q = session.admin().describeQueue(name).orElse(null);
        String k = key(vhost, name);
        QueueMeta m = metas.get(k);
        if (q == null || q.exclusive()) {
            if (m != null && q == null) {
                forget(vhost, name);
            }
            return null;
        }
        if (m == null) {
            long now = System.currentTimeMillis();
            m = new QueueMeta(vhost, name, name.endsWith(".fifo") ? Map.of("FifoQueue", "true") : Map.of(), Map.of(),
                    now, now);
        }
        return m;
    }

    public boolean stored(String vhost, String name) {
        return metas.containsKey(key(vhost, name));
    }

    public CompletableFuture<Void> put(QueueMeta m) {
        String k = key(m.vhost(), m.name());
        metas.put(k, m);
        return store.put(k, encode(m));
    }

    public CompletableFuture<Void> forget(String vhost, String name) {
        String k = key(vhost, name);
        metas.remove(k);
        return store.remove(k);
    }

    /**
     * Queues SQS lists in the session's vhost: every durable, non-exclusive core queue with an SQS-valid name
     * that the session's user holds some permission on.
     */
    public List<String> names(Session session) {
        List<String> out = new ArrayList<>();
        for (QueueDeclaration q : session.admin().describeQueues()) {
            if (!q.exclusive() && !q.autoDelete() && validName(q.name())) {
                out.add(q.name());
            }
        }
        return out;
    }

    /** Every stored queue of a vhost (for dead-letter source lookups). */
    public List<QueueMeta> stored(String vhost) {
        List<QueueMeta> out = new ArrayList<>();
        for (QueueMeta m : metas.values()) {
            if (m.vhost().equals(vhost)) {
                out.add(m);
            }
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    public List<QueueMeta> all() {
        return List.copyOf(metas.values());
    }

    private static byte[] encode(QueueMeta m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("vhost", m.vhost()).put("name", m.name()).put("created", m.created()).put("lastModified", m.lastModified());
        o.set("attributes", JSON.valueToTree(m.attributes()));
        o.set("tags", JSON.valueToTree(m.tags()));
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static QueueMeta decode(byte[] b) throws java.io.IOException {
        JsonNode n = JSON.readTree(b);
        Map<String, String> attrs = new LinkedHashMap<>();
        n.path("attributes").properties().forEach(e -> attrs.put(e.getKey(), e.getValue().asText()));
        Map<String, String> tags = new LinkedHashMap<>();
        n.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        return new QueueMeta(n.path("vhost").asText(), n.path("name").asText(), attrs, tags, n.path("created").asLong(),
                n.path("lastModified").asLong());
    }
}
