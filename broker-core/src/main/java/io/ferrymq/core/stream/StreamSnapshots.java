package io.ferrymq.core.stream;

import java.util.concurrent.CompletableFuture;

/** Takes snapshots of a stream store for a standby's resync. */
@FunctionalInterface
public interface StreamSnapshots {

    /**
     * Takes a snapshot on the stream writer thread, after every earlier write is on disk.
     *
     * @param atPoint run on the writer thread at the snapshot's point: every change replicated after it is
     *                missing from the snapshot, every change before it is in it
     */
    CompletableFuture<StreamSnapshot> take(Runnable atPoint);
}
