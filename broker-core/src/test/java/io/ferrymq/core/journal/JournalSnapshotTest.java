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

    @Test
    void aStreamedSnapshotHoldsTheSameRecordsAndStaysReadableWhileTheJournalMovesOn(@TempDir Path dir) throws Exception {
        Journal journal = Journal.open(JournalOptions.defaults(dir).withSegmentSize(64 * 1024));
        RecoveredState.of(journal);
        journal.append(queue(1, "q")).join();
        for (int i = 1; i <= 300; i++) {
            journal.append(publish(1, i, "body-" + i + "-" + "y".repeat(200))).join();
        }
        Journal.Snapshot inMemory = journal.snapshot().join();
        List<StorageRecord> expected = new java.util.ArrayList<>();
        inMemory.entries().forEach(e -> expected.addAll(EntryDecoder.records(e)));

        List<StorageRecord> streamed = new java.util.ArrayList<>();
        try (SnapshotStream stream = journal.streamSnapshot().join()) {
            assertThat(stream.through()).isEqualTo(inMemory.through());
            // Everything in the snapshot dies and the segments fill: compaction would delete what it still reads.
            for (int i = 1; i <= 300; i++) {
                journal.append(ack(1, i)).join();
            }
            for (int i = 301; i <= 600; i++) {
                journal.append(publish(1, i, "later-" + i + "-" + "y".repeat(200))).join();
            }
            byte[] entry;
            while ((entry = stream.next()) != null) {
                streamed.addAll(EntryDecoder.records(entry));
            }
        }
        journal.close();
        assertThat(streamed.stream().map(JournalSnapshotTest::describe).toList())
                .isEqualTo(expected.stream().map(JournalSnapshotTest::describe).toList());
    }

    private static String describe(StorageRecord r) {
        return r instanceof StorageRecord.AddMessage m ? "message " + m.message().id() : r.toString();
    }
}
