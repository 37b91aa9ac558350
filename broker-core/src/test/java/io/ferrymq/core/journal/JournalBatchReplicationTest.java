package io.ferrymq.core.journal;

import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ferrymq.core.journal.JournalRecoveryTest.ack;
import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A group commit reaches the replicator as one batch of the entries exactly as written, and a copy built from
 * those batches with {@link Journal#appendEntries} (what an HA standby does) recovers and compacts as the
 * original does, without its records being decoded on the way.
 */
class JournalBatchReplicationTest {

    private record Batch(long first, long last, byte[] entries) { }

    /** Collects batches; its first call holds the writer until {@link #release} so that later appends pile up. */
    private static final class BatchCollector implements Replicator {
        final List<Batch> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean holdFirst;

        @Override
        public CompletableFuture<Void> replicate(long sequence, byte[] entry) {
            throw new AssertionError("entry " + sequence + " was handed over alone, not in its batch");
        }

        @Override
        public CompletableFuture<Void> replicate(long first, long last, byte[] entries) {
            batches.add(new Batch(first, last, entries));
            if (holdFirst && batches.size() == 1) {
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void aGroupCommitReachesTheReplicatorAsOneBatchOfTheEntriesAsWritten(@TempDir Path dir) throws Exception {
        BatchCollector replicator = new BatchCollector();
        replicator.holdFirst = true;
        try (Journal primary = Journal.open(JournalOptions.defaults(dir).withReplicator(replicator))) {
            RecoveredState.of(primary);
            CompletableFuture<Void> first = primary.append(List.of(queue(1, "q")));
            assertThat(replicator.held.await(30, TimeUnit.SECONDS)).isTrue();
            // The writer is held inside the first batch: these five are written together by its next group commit.
            List<CompletableFuture<Void>> more = new ArrayList<>();
            for (long id = 1; id <= 5; id++) {
                more.add(primary.append(publish(1, id, "m" + id)));
            }
            replicator.release.countDown();
            first.join();
            more.forEach(CompletableFuture::join);

            assertThat(replicator.batches).hasSize(2);
            Batch second = replicator.batches.get(1);
            assertThat(second.first()).isEqualTo(2);
            assertThat(second.last()).isEqualTo(6);
            List<byte[]> entries = split(second.entries());
            assertThat(entries).hasSize(5);
            for (int i = 0; i < entries.size(); i++) {
                assertThat(EntryDecoder.sequence(entries.get(i))).isEqualTo(2 + i);
                List<StorageRecord> records = EntryDecoder.records(entries.get(i));
                assertThat(records).hasSize(2);
                assertThat(((StorageRecord.AddMessage) records.get(0)).messageId()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void aCopyMadeFromTheBatchesRecoversAndCompactsAsTheOriginal(@TempDir Path dir) {
        BatchCollector replicator = new BatchCollector();
        long segment = 64 * 1024;
        String body = "x".repeat(1000);
        try (Journal primary = Journal.open(JournalOptions.defaults(dir.resolve("primary")).withSegmentSize(segment)
                .withReplicator(replicator))) {
            RecoveredState.of(primary);
            primary.append(List.of(queue(1, "q"))).join();
            for (long id = 1; id <= 300; id++) {
                primary.append(publish(1, id, body + id)).join();
            }
            for (long id = 1; id <= 290; id++) {
                primary.append(ack(1, id)).join();
            }
        }
        Journal.Stats copyStats;
        try (Journal copy = JournalRecoveryTest.journal(dir.resolve("copy"), segment)) {
            RecoveredState.of(copy);
            for (Batch b : replicator.batches) {
                copy.appendEntries(b.entries()).join();
            }
            copyStats = copy.stats();
        }
        // The acknowledged messages filled several segments: the copy compacted them away, carrying forward the
        // ten still queued, which only an index that knows the copied messages can do.
        assertThat(copyStats.compactions()).isPositive();

        RecoveredState original;
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("primary"), segment)) {
            original = RecoveredState.of(reopened);
        }
        RecoveredState copied;
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("copy"), segment)) {
            copied = RecoveredState.of(reopened);
        }
        assertThat(copied.queues).isEqualTo(original.queues);
        assertThat(copied.refs).isEqualTo(original.refs);
        assertThat(copied.messageIdsIn(1)).containsExactlyElementsOf(original.messageIdsIn(1)).hasSize(10);
        assertThat(new String(copied.messages.get(300L).body())).isEqualTo(body + 300);
    }

    @Test
    void aBatchOfSeveralEntriesIsCopiedAsOneEntryWithEveryRecordInPlace(@TempDir Path dir) throws Exception {
        BatchCollector replicator = new BatchCollector();
        replicator.holdFirst = true;
        try (Journal primary = Journal.open(JournalOptions.defaults(dir.resolve("primary")).withReplicator(replicator))) {
            RecoveredState.of(primary);
            CompletableFuture<Void> first = primary.append(List.of(queue(1, "q")));
            assertThat(replicator.held.await(30, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Void>> more = new ArrayList<>();
            for (long id = 1; id <= 5; id++) {
                more.add(primary.append(publish(1, id, "m" + id)));
            }
            more.add(primary.append(ack(1, 2)));
            replicator.release.countDown();
            first.join();
            more.forEach(CompletableFuture::join);
        }
        assertThat(replicator.batches).hasSize(2);
        assertThat(split(replicator.batches.get(1).entries())).hasSize(6);
        try (Journal copy = JournalRecoveryTest.journal(dir.resolve("copy"), 64 * 1024)) {
            RecoveredState.of(copy);
            for (Batch b : replicator.batches) {
                byte[] sent = b.entries().clone();
                copy.appendEntries(b.entries()).join();
                assertThat(b.entries()).isEqualTo(sent);
            }
        }
        RecoveredState original;
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("primary"), 64 * 1024)) {
            original = RecoveredState.of(reopened);
        }
        RecoveredState copied;
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("copy"), 64 * 1024)) {
            copied = RecoveredState.of(reopened);
        }
        assertThat(copied.queues).isEqualTo(original.queues);
        assertThat(copied.refs).isEqualTo(original.refs);
        assertThat(copied.messageIdsIn(1)).containsExactly(1L, 3L, 4L, 5L);
        assertThat(new String(copied.messages.get(5L).body())).isEqualTo("m5");
    }

    @Test
    void damagedOrPartialEntriesAreRefusedAndNothingIsWritten(@TempDir Path dir) {
        BatchCollector replicator = new BatchCollector();
        try (Journal primary = Journal.open(JournalOptions.defaults(dir.resolve("primary")).withReplicator(replicator))) {
            RecoveredState.of(primary);
            primary.append(publish(1, 1, "one")).join();
        }
        byte[] entries = replicator.batches.get(0).entries();
        byte[] damaged = entries.clone();
        damaged[damaged.length - 1] ^= 1;
        byte[] partial = java.util.Arrays.copyOf(entries, entries.length - 1);
        try (Journal copy = JournalRecoveryTest.journal(dir.resolve("copy"), 64 * 1024)) {
            RecoveredState.of(copy);
            assertThatThrownBy(() -> copy.appendEntries(damaged)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("CRC");
            assertThatThrownBy(() -> copy.appendEntries(partial)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a complete journal entry");
        }
        try (Journal reopened = JournalRecoveryTest.journal(dir.resolve("copy"), 64 * 1024)) {
            assertThat(RecoveredState.of(reopened).messages).isEmpty();
        }
    }

    @Test
    void aBatchIsConfirmedOnlyOnceItsReplicaIsAndFailsWhenItsReplicaFails(@TempDir Path dir) {
        List<CompletableFuture<Void>> replicas = new CopyOnWriteArrayList<>();
        Replicator pending = new Replicator() {
            @Override
            public CompletableFuture<Void> replicate(long sequence, byte[] entry) {
                throw new AssertionError("entry " + sequence + " was handed over alone, not in its batch");
            }

            @Override
            public CompletableFuture<Void> replicate(long first, long last, java.nio.ByteBuffer entries) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                replicas.add(f);
                return f;
            }
        };
        try (Journal j = Journal.open(JournalOptions.defaults(dir).withReplicator(pending))) {
            RecoveredState.of(j);
            CompletableFuture<Void> first = j.append(List.of(queue(1, "q")));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> replicas.size() == 1);
            // On disk here, but not yet on the replica: not confirmed.
            assertThat(first).isNotDone();
            replicas.get(0).complete(null);
            first.join();

            CompletableFuture<Void> second = j.append(publish(1, 1, "one"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> replicas.size() == 2);
            replicas.get(1).completeExceptionally(new IllegalStateException("the standby went away"));
            assertThatThrownBy(second::join).hasMessageContaining("written but not replicated")
                    .hasMessageContaining("the standby went away");
        }
    }

    @Test
    void aReplicatorGetsTheBatchInALentBufferThatMatchesTheEntriesAsWritten(@TempDir Path dir) {
        List<byte[]> lent = new CopyOnWriteArrayList<>();
        BatchCollector arrays = new BatchCollector();
        Replicator viaBuffer = new Replicator() {
            @Override
            public CompletableFuture<Void> replicate(long sequence, byte[] entry) {
                throw new AssertionError("entry " + sequence + " was handed over alone, not in its batch");
            }

            @Override
            public CompletableFuture<Void> replicate(long first, long last, java.nio.ByteBuffer entries) {
                byte[] copy = new byte[entries.remaining()];
                entries.duplicate().get(copy);
                lent.add(copy);
                // The default turns the lent buffer into the array a replicator may keep.
                return arrays.replicate(first, last, entries);
            }
        };
        try (Journal j = Journal.open(JournalOptions.defaults(dir).withReplicator(viaBuffer))) {
            RecoveredState.of(j);
            for (long id = 1; id <= 20; id++) {
                j.append(publish(1, id, "m" + id)).join();
            }
        }
        assertThat(lent).hasSameSizeAs(arrays.batches);
        long next = 1;
        for (int i = 0; i < lent.size(); i++) {
            Batch b = arrays.batches.get(i);
            assertThat(lent.get(i)).isEqualTo(b.entries());
            assertThat(b.first()).isEqualTo(next);
            List<byte[]> entries = split(b.entries());
            assertThat(entries).hasSize((int) (b.last() - b.first() + 1));
            for (int k = 0; k < entries.size(); k++) {
                assertThat(EntryDecoder.sequence(entries.get(k))).isEqualTo(b.first() + k);
            }
            next = b.last() + 1;
        }
    }

    private static List<byte[]> split(byte[] entries) {
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < entries.length; ) {
            int size = Entry.getInt(entries, at) + 4;
            out.add(java.util.Arrays.copyOfRange(entries, at, at + size));
            at += size;
        }
        return out;
    }
}
