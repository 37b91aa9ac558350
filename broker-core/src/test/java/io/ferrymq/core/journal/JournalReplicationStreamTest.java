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

/** Every entry goes to the replicator as written; replaying the shipped stream rebuilds the same state. */
class JournalReplicationStreamTest {

    @Test
    void shippedEntriesRebuildThePrimarysState(@TempDir Path dir) {
        List<byte[]> shipped = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> standbyAck = new CompletableFuture<>();
        Journal primary = Journal.open(JournalOptions.defaults(dir.resolve("primary")).withSegmentSize(64 * 1024)
                .withReplicator((seq, entry) -> {
                    shipped.add(entry);
                    return seq == 3 ? standbyAck : CompletableFuture.completedFuture(null);
                }));
        RecoveredState.of(primary);
        primary.append(queue(1, "q")).join();
        primary.append(publish(1, 1, "one")).join();
        CompletableFuture<Void> third = primary.append(publish(1, 2, "two"));
        assertThat(third).as("not confirmed until the standby has it too").isNotDone();
        standbyAck.complete(null);
        third.join();
        primary.append(ack(1, 1)).join();

        DurableImage standby = new DurableImage();
        long expected = 1;
        for (byte[] entry : shipped) {
            assertThat(EntryDecoder.sequence(entry)).isEqualTo(expected++);
            for (StorageRecord r : EntryDecoder.records(entry)) {
                standby.apply(r);
            }
        }
        RecoveredState fromStream = new RecoveredState();
        standby.replay(fromStream, true);
        primary.close();
        RecoveredState fromDisk;
        // Closed before the test ends: an open journal prepares its next file in the background, which would
        // race the temporary directory's removal.
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("primary"), 64 * 1024)) {
            fromDisk = RecoveredState.of(reopened);
        }
        assertThat(fromStream.refs).isEqualTo(fromDisk.refs);
        assertThat(fromStream.messages.keySet()).isEqualTo(fromDisk.messages.keySet());
        assertThat(fromStream.messageIdsIn(1)).containsExactly(2L);
    }
}
