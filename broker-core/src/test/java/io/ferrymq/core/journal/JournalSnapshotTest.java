package io.ferrymq.core.journal;

import io.ferrymq.core.storage.DurableImage;
import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ferrymq.core.journal.JournalRecoveryTest.ack;
import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;

/** A snapshot plus the entries shipped after it rebuild the journal's state, as a resyncing standby does. */
class JournalSnapshotTest {

    @Test
    void snapshotThenLaterEntriesRebuildTheState(@TempDir Path dir) {
        List<byte[]> shipped = new CopyOnWriteArrayList<>();
        Journal primary = Journal.open(JournalOptions.defaults(dir.resolve("primary")).withSegmentSize(64 * 1024)
                .withReplicator((seq, entry) -> {
                    shipped.add(entry);
                    return CompletableFuture.completedFuture(null);
                }));
        RecoveredState.of(primary);
        primary.append(queue(1, "q")).join();
        for (int i = 1; i <= 300; i++) {
            primary.append(publish(1, i, "body-" + i)).join();
        }
        for (int i = 1; i <= 100; i++) {
            primary.append(ack(1, i)).join();
        }
        Journal.Snapshot snapshot = primary.snapshot().join();
        assertThat(snapshot.through()).isEqualTo(EntryDecoder.sequence(shipped.get(shipped.size() - 1)));
        primary.append(publish(1, 301, "after")).join();
        primary.append(ack(1, 150)).join();

        DurableImage standby = new DurableImage();
        for (byte[] entry : snapshot.entries()) {
            EntryDecoder.records(entry).forEach(standby::apply);
        }
        for (byte[] entry : shipped) {
            if (EntryDecoder.sequence(entry) > snapshot.through()) {
                for (StorageRecord r : EntryDecoder.records(entry)) {
                    standby.apply(r);
                }
            }
        }
        RecoveredState fromSnapshot = new RecoveredState();
        standby.replay(fromSnapshot, true);
        primary.close();
        RecoveredState fromDisk;
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("primary"), 64 * 1024)) {
            fromDisk = RecoveredState.of(reopened);
        }
        assertThat(fromSnapshot.queues).isEqualTo(fromDisk.queues);
        assertThat(fromSnapshot.refs).containsExactlyInAnyOrderElementsOf(fromDisk.refs);
        assertThat(fromSnapshot.messages.keySet()).containsExactlyInAnyOrderElementsOf(fromDisk.messages.keySet());
        assertThat(fromSnapshot.messageIdsIn(1)).hasSize(200).contains(301L).doesNotContain(150L, 1L);
    }
}
