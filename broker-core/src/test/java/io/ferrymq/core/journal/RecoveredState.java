package io.ferrymq.core.journal;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.RecoveryListener;
import io.ferrymq.core.storage.Storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a recovery handed over, in comparable form. */
final class RecoveredState implements RecoveryListener {

    record Ref(long queueId, long messageId, int deliveryCount, long deliverAt) { }

    boolean clean;
    final List<QueueDefinition> queues = new ArrayList<>();
    final List<ExchangeDefinition> exchanges = new ArrayList<>();
    final List<BindingDefinition> bindings = new ArrayList<>();
    final Map<String, String> state = new LinkedHashMap<>();
    final Map<Long, Message> messages = new LinkedHashMap<>();
    final List<Ref> refs = new ArrayList<>();
    Storage.RecoveredIds ids;

    static RecoveredState of(Storage storage) {
        RecoveredState s = new RecoveredState();
        s.ids = storage.recover(s);
        return s;
    }

    @Override
    public void begin(boolean cleanShutdown) {
        clean = cleanShutdown;
    }

    @Override
    public void exchange(ExchangeDefinition e) {
        exchanges.add(e);
    }

    @Override
    public void queue(QueueDefinition q) {
        queues.add(q);
    }

    @Override
    public void binding(BindingDefinition b) {
        bindings.add(b);
    }

    @Override
    public void state(String namespace, String key, byte[] value) {
        state.put(namespace + "/" + key, new String(value, StandardCharsets.UTF_8));
    }

    @Override
    public void message(Message m) {
        messages.put(m.id(), m);
    }

    @Override
    public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) {
        refs.add(new Ref(queueId, messageId, deliveryCount, deliverAt));
    }

    List<Long> messageIdsIn(long queueId) {
        return refs.stream().filter(r -> r.queueId == queueId).map(Ref::messageId).toList();
    }

    String body(long id) {
        return new String(messages.get(id).body(), StandardCharsets.UTF_8);
    }
}
