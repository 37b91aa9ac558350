package io.ferrymq.core.storage;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.routing.BindingTarget;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live durable state that a stream of {@link StorageRecord}s describes. Applying records in order
 * and then {@link #replay replaying} gives the broker what to recover; the in-memory storage keeps one
 * up to date, the journal builds one while reading its files. Not thread-safe.
 */
public final class DurableImage {

    private record ExchangeKey(String vhost, String name) { }

    private record StateKey(String namespace, String key) { }

    /** Per reference: how often it was delivered and when it may next be delivered. */
    public static final class RefState {
        int deliveryCount;
        long deliverAt;

        RefState(long deliverAt) {
            this.deliverAt = deliverAt;
        }

        public int deliveryCount() { return deliveryCount; }
        public long deliverAt() { return deliverAt; }
    }

    private final Map<ExchangeKey, ExchangeDefinition> exchanges = new LinkedHashMap<>();
    private final Map<Long, QueueDefinition> queues = new LinkedHashMap<>();
    private final List<BindingDefinition> bindings = new ArrayList<>();
    private final Map<StateKey, byte[]> state = new LinkedHashMap<>();
    private final Map<Long, Message> messages = new LinkedHashMap<>();
    /**
     * Queue id -> message id -> state. Kept even for queues and messages not (yet) seen: a compacted
     * journal may replay a reference before the queue or message it belongs to. Replay resolves them.
     * Message ids order a queue: publish order, which redelivery and compaction do not change.
     */
    private final Map<Long, TreeMap<Long, RefState>> refs = new HashMap<>();
    private long maxMessageId;
    private long maxQueueId;

    public void apply(StorageRecord record) {
        if (record instanceof StorageRecord.AddMessage r) {
            messages.put(r.messageId(), r.message());
            maxMessageId = Math.max(maxMessageId, r.messageId());
        } else if (record instanceof StorageRecord.AddReference r) {
            refs.computeIfAbsent(r.queueId(), k -> new TreeMap<>()).put(r.messageId(), new RefState(r.deliverAt()));
        } else if (record instanceof StorageRecord.DeleteReference r) {
            TreeMap<Long, RefState> q = refs.get(r.queueId());
            if (q != null) {
                q.remove(r.messageId());
            }
        } else if (record instanceof StorageRecord.DeleteMessage r) {
            messages.remove(r.messageId());
        } else if (record instanceof StorageRecord.UpdateDeliveryCount r) {
            RefState st = ref(r.queueId(), r.messageId());
            if (st != null) {
                st.deliveryCount = r.deliveryCount();
            }
        } else if (record instanceof StorageRecord.UpdateScheduledTime r) {
            RefState st = ref(r.queueId(), r.messageId());
            if (st != null) {
                st.deliverAt = r.deliverAt();
            }
        } else if (record instanceof StorageRecord.CreateQueue r) {
            queues.put(r.queue().id(), r.queue());
            maxQueueId = Math.max(maxQueueId, r.queue().id());
        } else if (record instanceof StorageRecord.DeleteQueue r) {
            QueueDefinition q = queues.remove(r.queueId());
            refs.remove(r.queueId());
            if (q != null) {
                bindings.removeIf(b -> b.vhost().equals(q.vhost()) && b.targetKind() == BindingTarget.Kind.QUEUE
                        && b.target().equals(q.name()));
            }
        } else if (record instanceof StorageRecord.CreateExchange r) {
            exchanges.put(new ExchangeKey(r.exchange().vhost(), r.exchange().name()), r.exchange());
        } else if (record instanceof StorageRecord.DeleteExchange r) {
            exchanges.remove(new ExchangeKey(r.vhost(), r.name()));
            bindings.removeIf(b -> b.vhost().equals(r.vhost()) && (b.exchange().equals(r.name())
                    || b.targetKind() == BindingTarget.Kind.EXCHANGE && b.target().equals(r.name())));
        } else if (record instanceof StorageRecord.CreateBinding r) {
            bindings.removeIf(b -> b.sameBinding(r.binding()));
            bindings.add(r.binding());
        } else if (record instanceof StorageRecord.DeleteBinding r) {
            bindings.removeIf(b -> b.sameBinding(r.binding()));
        } else if (record instanceof StorageRecord.PutState r) {
            state.put(new StateKey(r.namespace(), r.key()), r.value());
        } else if (record instanceof StorageRecord.DeleteState r) {
            state.remove(new StateKey(r.namespace(), r.key()));
        }
    }

    private RefState ref(long queueId, long messageId) {
        TreeMap<Long, RefState> q = refs.get(queueId);
        return q == null ? null : q.get(messageId);
    }

    /**
     * Hands the state to a recovering broker, in the order {@link RecoveryListener} documents.
     *
     * @param cleanShutdown whether the process that wrote the records stopped cleanly
     */
    public Storage.RecoveredIds replay(RecoveryListener listener, boolean cleanShutdown) {
        listener.begin(cleanShutdown);
        exchanges.values().forEach(listener::exchange);
        queues.values().forEach(listener::queue);
        bindings.forEach(listener::binding);
        state.forEach((k, v) -> listener.state(k.namespace(), k.key(), v));
        // A message whose references all went (or whose queues were deleted) is garbage, not state.
        Map<Long, Integer> referenced = new HashMap<>();
        refs.forEach((queueId, q) -> {
            if (queues.containsKey(queueId)) {
                q.keySet().forEach(id -> referenced.merge(id, 1, Integer::sum));
            }
        });
        for (Message m : messages.values()) {
            if (referenced.containsKey(m.id())) {
                listener.message(m);
            }
        }
        for (Map.Entry<Long, QueueDefinition> q : queues.entrySet()) {
            TreeMap<Long, RefState> qRefs = refs.get(q.getKey());
            if (qRefs == null) {
                continue;
            }
            for (Map.Entry<Long, RefState> r : qRefs.entrySet()) {
                if (messages.containsKey(r.getKey())) {
                    listener.reference(q.getKey(), r.getKey(), r.getValue().deliveryCount, r.getValue().deliverAt);
                }
            }
        }
        return new Storage.RecoveredIds(maxMessageId, maxQueueId);
    }

    /** Whether a message is still live (some queue references it); the journal's compaction asks this. */
    public boolean isMessageLive(long messageId) {
        if (!messages.containsKey(messageId)) {
            return false;
        }
        for (Map.Entry<Long, TreeMap<Long, RefState>> q : refs.entrySet()) {
            if (queues.containsKey(q.getKey()) && q.getValue().containsKey(messageId)) {
                return true;
            }
        }
        return false;
    }

    public int messageCount() {
        return messages.size();
    }

    public int referenceCount(long queueId) {
        TreeMap<Long, RefState> q = refs.get(queueId);
        return q == null ? 0 : q.size();
    }

    public Map<Long, QueueDefinition> queues() {
        return java.util.Collections.unmodifiableMap(queues);
    }

    public List<BindingDefinition> bindings() {
        return java.util.Collections.unmodifiableList(bindings);
    }
}
