package io.ferrymq.core.stream;

import java.util.concurrent.CompletableFuture;

/**
 * Receives every change of the broker's streams as it is made, in the order the stream writer makes them: the
 * seam through which an HA pair ships streams to its standby, as the journal's {@code Replicator}
 * does for the journal. A change is confirmed to its caller (a PutRecord answer, a CreateStream) only when its
 * local write is on disk and the future returned here has completed.
 */
public interface StreamReplicator {

    /** Called on the stream writer thread, never concurrently, in the order of the changes. */
    CompletableFuture<Void> replicate(StreamChange change);

    /** The store calls this once, when it opens: where snapshots for a standby's resync come from. */
    default void attach(StreamSnapshots snapshots) {
    }
}
