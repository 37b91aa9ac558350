package io.ferrymq.server;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.ha.BrokerLauncher;
import io.ferrymq.ha.RunningBroker;
import io.ferrymq.server.config.FerryConfig;
import io.ferrymq.server.config.StorageBuilder;

/** Starts this process's broker for the HA module when the node becomes active: the server's hook into {@code ha/}. */
final class HaLauncher implements BrokerLauncher {

    private final FerryConfig config;
    private final JournalOptions journal;
    private volatile FerryServer running;

    /** @throws io.ferrymq.server.config.ConfigException when the storage is not a journal */
    HaLauncher(FerryConfig config) {
        this.config = config;
        this.journal = StorageBuilder.journalOptions(config.storage());
    }

    @Override
    public JournalOptions journalOptions() {
        return journal;
    }

    @Override
    public RunningBroker start(Replicator replicator) {
        FerryServer server = FerryServer.start(config, replicator);
        running = server;
        return new RunningBroker() {
            @Override
            public Journal journal() {
                return (Journal) server.storage();
            }

            @Override
            public void close() {
                running = null;
                server.close();
            }
        };
    }

    /** The broker while this node is active, else null. */
    FerryServer running() {
        return running;
    }
}
