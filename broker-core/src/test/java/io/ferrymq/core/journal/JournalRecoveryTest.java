package io.ferrymq.core.journal;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.storage.QueueDefinition;
import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalRecoveryTest {

    static Message msg(long id, String body) {
        return Message.builder().id(id).durable(true).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    static List<StorageRecord> publish(long queueId, long id, String body) {
        return List.of(new StorageRecord.AddMessage(msg(id, body)), new StorageRecord.AddReference(queueId, id, 0));
    }

    static List<StorageRecord> ack(long queueId, long id) {
        return List.of(new StorageRecord.DeleteReference(queueId, id), new StorageRecord.DeleteMessage(id));
    }

    static StorageRecord queue(long id, String name) {
        return new StorageRecord.CreateQueue(new QueueDefinition(id, "/", name, false, Map.of()));
    }

    static Journal journal(Path dir, long segmentSize) {
        return Journal.open(JournalOptions.defaults(dir).withSegmentSize(segmentSize));
    }

    /** A copy of the journal directory as it is on disk right now: what a kill -9 would leave. */
    static Path crashImage(Path dir, Path into) throws Exception {
        Files.createDirectories(into);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".seg")).toList()) {
                Files.copy(f, into.resolve(f.getFileName()));
            }
        }
        return into;
    }

    @Test
    void replayRebuildsQueuesMessagesAndReferenceState(@TempDir Path dir) {
        Journal j = journal(dir, 64 * 1024);
        RecoveredState empty = RecoveredState.of(j);
        assertThat(empty.clean).isTrue();
        assertThat(empty.messages).isEmpty();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        writes.add(j.append(queue(1, "orders")));
        for (int i = 1; i <= 5; i++) {
            writes.add(j.append(publish(1, i, "m" + i)));
        }
        writes.add(j.append(ack(1, 2)));
        writes.add(j.append(new StorageRecord.UpdateDeliveryCount(1, 3, 2)));
        writes.add(j.append(new StorageRecord.UpdateScheduledTime(1, 4, 123_456)));
        writes.add(j.append(new StorageRecord.PutState("mqtt.retained", "a/b", "hello".getBytes(StandardCharsets.UTF_8))));
        writes.forEach(CompletableFuture::join);
        j.close();

        Journal again = journal(dir, 64 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.clean).isTrue();
        assertThat(s.queues).extracting(QueueDefinition::name).containsExactly("orders");
        assertThat(s.messageIdsIn(1)).containsExactly(1L, 3L, 4L, 5L);
        assertThat(s.refs).contains(new RecoveredState.Ref(1, 3, 2, 0), new RecoveredState.Ref(1, 4, 0, 123_456));
        assertThat(s.body(5)).isEqualTo("m5");
        assertThat(s.state).containsEntry("mqtt.retained/a/b", "hello");
        assertThat(s.ids.maxMessageId()).isEqualTo(5);
        assertThat(s.ids.maxQueueId()).isEqualTo(1);
    }

    @Test
    void aJournalThatWasNotClosedRecoversEverythingConfirmedAndSaysItWasUnclean(@TempDir Path dir) throws Exception {
        Journal j = journal(dir.resolve("live"), 64 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        for (int i = 1; i <= 20; i++) {
            j.append(publish(1, i, "m" + i)).join();
        }
        Path image = crashImage(dir.resolve("live"), dir.resolve("crashed"));
        j.close();

        Journal recovered = journal(image, 64 * 1024);
        RecoveredState s = RecoveredState.of(recovered);
        recovered.close();
        assertThat(s.clean).isFalse();
        assertThat(s.messageIdsIn(1)).hasSize(20);
    }

    @Test
    void closingWithoutTheCleanMarkRecoversEverythingAndSaysItWasUnclean(@TempDir Path dir) {
        Journal j = journal(dir, 64 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        for (int i = 1; i <= 5; i++) {
            j.append(publish(1, i, "m" + i)).join();
        }
        j.closeWithoutCleanMark();

        Journal again = journal(dir, 64 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.clean).isFalse();
        assertThat(s.messageIdsIn(1)).hasSize(5);
    }

    @Test
    void batchesAreAtomicAndSegmentsRollOver(@TempDir Path dir) {
        Journal j = journal(dir, 8 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        String body = "x".repeat(1000);
        for (int i = 1; i <= 40; i++) {
            j.append(publish(1, i, body)).join();
        }
        assertThat(j.stats().segments()).isGreaterThan(3);
        j.close();
        Journal again = journal(dir, 8 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.messageIdsIn(1)).hasSize(40);
    }

    @Test
    void anEntryLargerThanASegmentGetsOneOfItsOwn(@TempDir Path dir) {
        Journal j = journal(dir, 8 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        j.append(publish(1, 1, "small")).join();
        j.append(publish(1, 2, "B".repeat(100_000))).join();
        j.append(publish(1, 3, "after")).join();
        j.close();
        Journal again = journal(dir, 8 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.messageIdsIn(1)).containsExactly(1L, 2L, 3L);
        assertThat(s.body(2)).hasSize(100_000);
    }

    @Test
    void batchesQueuedTogetherAcrossSegmentsAndLargerThanTheWriteBufferRecoverIntact(@TempDir Path dir) {
        Journal j = journal(dir, 1024 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            // Not joined one by one: the writer takes many batches at once, and they roll segments mid-batch.
            String body = i == 150 ? "L".repeat(3 * 1024 * 1024) : Character.toString('a' + i % 26).repeat(10_000) + i;
            writes.add(j.append(publish(1, i, body)));
        }
        writes.forEach(CompletableFuture::join);
        j.close();
        Journal again = journal(dir, 1024 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.messageIdsIn(1)).hasSize(300);
        for (long i = 1; i <= 300; i++) {
            String expected = i == 150 ? "L".repeat(3 * 1024 * 1024)
                    : Character.toString('a' + (int) (i % 26)).repeat(10_000) + i;
            assertThat(s.body(i)).as("body of %d", i).isEqualTo(expected);
        }
    }

    @Test
    void aBatchThatCannotBeEncodedFailsAloneAndTheJournalCarriesOn(@TempDir Path dir) {
        Journal j = journal(dir, 64 * 1024);
        RecoveredState.of(j);
        Object unprintable = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text for this argument");
            }
        };
        CompletableFuture<Void> bad = j.append(new StorageRecord.CreateQueue(new QueueDefinition(1, "/", "bad", false,
                Map.of("x-odd", unprintable))));
        assertThatThrownBy(bad::join).hasMessageContaining("could not encode");
        j.append(queue(2, "good")).join();
        j.append(publish(2, 1, "kept")).join();
        j.close();
        Journal again = journal(dir, 64 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.queues).hasSize(1);
        assertThat(s.body(1)).isEqualTo("kept");
    }

    @Test
    void aSecondBrokerCannotOpenTheSameJournal(@TempDir Path dir) {
        Journal j = journal(dir, 64 * 1024);
        try {
            assertThatThrownBy(() -> journal(dir, 64 * 1024)).hasMessageContaining("in use by another broker");
        } finally {
            j.close();
        }
    }
}
