package io.ferrymq.ha;

import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.journal.Replicator;

/**
 * How a pair member starts its broker when it becomes active: the server wires this to its own start-up
 * (storage, protocols, client listeners), so the HA module knows nothing of protocols.
 */
public interface BrokerLauncher {

    /** Where this node's journal lives and how it writes: the standby keeps its copy of the active's journal there. */
    JournalOptions journalOptions();

    /**
     * Starts the broker on the journal in {@link #journalOptions()} with this replicator, recovering what the
     * journal holds, and opens its client listeners.
     */
    RunningBroker start(Replicator replicator);

    /**
     * Where the broker keeps its streams (their own logs, beside the journal): the standby keeps its copy of the
     * active's streams there. Null when the broker keeps no streams on disk.
     */
    default java.nio.file.Path streamDirectory() {
        return null;
    }

    /**
     * Called once, on a thread of its own, while the node is standby: may start and stop a throw-away broker
     * (no journal, loopback listeners on free ports) so that a promotion does not pay for loading classes.
     */
    default void warmUp() {
    }
}
