package io.ferrymq.ha;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.RecoveryListener;

/** A standby keeps its journal only to hand it to its broker on promotion: it needs none of the state now. */
final class NoRecovery implements RecoveryListener {

    @Override
    public void begin(boolean cleanShutdown) {
    }

    @Override
    public void exchange(ExchangeDefinition exchange) {
    }

    @Override
    public void queue(QueueDefinition queue) {
    }

    @Override
    public void binding(BindingDefinition binding) {
    }

    @Override
    public void state(String namespace, String key, byte[] value) {
    }

    @Override
    public void message(Message message) {
    }

    @Override
    public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) {
    }
}
