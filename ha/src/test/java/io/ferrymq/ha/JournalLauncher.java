package io.ferrymq.ha;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.BindingDefinition;
import io.ferrymq.core.storage.ExchangeDefinition;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.RecoveryListener;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A "broker" that is only its journal: what it recovered on its last start is kept for the test to look at. */
final class JournalLauncher implements BrokerLauncher {

    private final JournalOptions options;
    volatile Map<String, String> recovered = Map.of();
    volatile Journal journal;

    JournalLauncher(Path dir) {
        this.options = JournalOptions.defaults(dir.resolve("journal")).withSegmentSize(1 << 20);
    }

    @Override
    public JournalOptions journalOptions() {
        return options;
    }

    @Override
    public RunningBroker start(Replicator replicator) {
        Journal j = Journal.open(options.withReplicator(replicator));
        Map<String, String> state = new ConcurrentHashMap<>();
        j.recover(new RecoveryListener() {
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
                state.put(key, new String(value, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public void message(Message message) {
            }

            @Override
            public void reference(long queueId, long messageId, int deliveryCount, long deliverAt) {
            }
        });
        recovered = state;
        journal = j;
        return new RunningBroker() {
            @Override
            public Journal journal() {
                return j;
            }

            @Override
            public void close() {
                j.close();
            }
        };
    }
}
