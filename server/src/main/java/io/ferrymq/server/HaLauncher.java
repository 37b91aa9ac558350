package io.ferrymq.server;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.ha.BrokerLauncher;
import io.ferrymq.ha.RunningBroker;
import io.ferrymq.server.config.FerryConfig;
import io.ferrymq.server.config.StorageBuilder;

import java.util.List;

/** Starts this process's broker for the HA module when the node becomes active: the server's hook into {@code ha/}. */
final class HaLauncher implements BrokerLauncher {

    private final FerryConfig config;
    private final JournalOptions journal;

    /** @throws io.ferrymq.server.config.ConfigException when the storage is not a journal */
    HaLauncher(FerryConfig config) {
        this.config = config;
        this.journal = StorageBuilder.journalOptions(config.storage());
    }

    @Override
    public JournalOptions journalOptions() {
        return journal;
    }

    /** As {@link StorageBuilder} places them: {@code streams/} beside the journal in the data directory. */
    @Override
    public java.nio.file.Path streamDirectory() {
        return journal.directory().resolveSibling("streams");
    }

    @Override
    public RunningBroker start(Replicator replicator) {
        FerryServer server = FerryServer.start(config, replicator);
        return new RunningBroker() {
            @Override
            public Journal journal() {
                return (Journal) server.storage();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    @Override
    public void warmUp() {
        List<FerryConfig.Listener> loopback = config.listeners().stream()
                .map(l -> l.at("127.0.0.1", 0))
                .toList();
        FerryConfig.Storage s = config.storage();
        FerryConfig.Storage memory = new FerryConfig.Storage("memory", s.dataDir(), s.segmentSize(), s.fsync(),
                s.commitDelay(), s.compactThreshold(), s.skipCorrupt(), s.pageFileSize(), s.minFree(),
                s.encryption());
        FerryConfig.Broker b = config.broker();
        FerryConfig.Broker quick = new FerryConfig.Broker(b.ioThreads(), b.workerThreads(), b.memoryLimit(),
                b.expiryScanInterval(), "0s");
        FerryConfig dry = new FerryConfig(quick, memory, loopback, config.security(), config.policies(),
                config.vhosts(), java.util.List.of(), config.protocols(), java.util.Map.of(), config.tls(), config.limits());
        FerryServer.start(dry, null, false).close();
    }
}
