package io.ferrymq.ha;

/**
 * What the two nodes of a pair say to each other on the replication channel. Every message carries the
 * sender's epoch: a node that sees a higher epoch than its own learns that the pair has moved on without it.
 */
sealed interface ReplicationMessage {

    long epoch();

    /** Standby to active, first: who it is and the newest epoch it knows. */
    record Hello(long epoch, String nodeId) implements ReplicationMessage { }

    /** Active to standby: the standby's journal is replaced by the snapshot that follows. */
    record SnapshotBegin(long epoch, long through) implements ReplicationMessage { }

    /** One entry of the snapshot. */
    record SnapshotChunk(long epoch, byte[] entry) implements ReplicationMessage { }

    /** The snapshot is complete: it holds every entry up to {@code through}. */
    record SnapshotEnd(long epoch, long through) implements ReplicationMessage { }

    /**
     * The journal entries of one group commit exactly as the active wrote them, back to back: sequences
     * {@code first} to {@code sequence}, acknowledged as a whole by the {@link Ack} of {@code sequence}.
     */
    record Append(long epoch, long first, long sequence, byte[] entries) implements ReplicationMessage { }

    /** Standby to active: everything up to {@code sequence} is on the standby's disk. */
    record Ack(long epoch, long sequence) implements ReplicationMessage { }

    /** Both ways, while nothing else is said. */
    record Heartbeat(long epoch) implements ReplicationMessage { }

    /** Active to standby, before closing: why it will not replicate to it. */
    record Refused(long epoch, String reason) implements ReplicationMessage { }

    /** Active to standby: a change of the streams or a part of their resync ({@link StreamOps}). */
    record StreamOp(long epoch, long sequence, byte[] body) implements ReplicationMessage { }

    /** Standby to active: every stream change up to {@code sequence} is on the standby's disk. */
    record StreamAck(long epoch, long sequence) implements ReplicationMessage { }
    /**
     * Active to standby: page records in plain form, back to back, for page file {@code file} of queue
     * {@code queueId}, the first of them its {@code record}-th; the standby appends them to its copy in its own
     * layout ({@link io.ferrymq.core.paging.PageFileWriter}). {@code sequence} counts page changes (acknowledged
     * by {@link PageAck}); 0 inside a snapshot.
     */
    record PageWrite(long epoch, long sequence, long queueId, long file, long record, byte[] bytes)
            implements ReplicationMessage { }

    /** Active to standby: page file {@code file} of queue {@code queueId} is gone; {@link #ALL_FILES}: all of them. */
    record PageDelete(long epoch, long sequence, long queueId, long file) implements ReplicationMessage {
        static final long ALL_FILES = -1;
    }

    /** Standby to active: every page change up to {@code sequence} is on the standby's disk. */
    record PageAck(long epoch, long sequence) implements ReplicationMessage { }
}
