package io.ferrymq.ha;

import io.ferrymq.core.journal.Journal;

/** A broker started by a {@link BrokerLauncher}. */
public interface RunningBroker extends AutoCloseable {

    /** The broker's journal, which snapshots for a standby are taken from. */
    Journal journal();

    /** Closes the client listeners, then the broker and its journal. */
    @Override
    void close();
}
