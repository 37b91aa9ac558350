package io.ferrymq.core.journal;

import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ferrymq.core.journal.JournalRecoveryTest.ack;
import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Compaction deletes dead segments and carries exactly the live records forward, with their current state. */
class JournalCompactionTest {

    @Test
    void consumedTrafficLeavesNoSegmentsBehindAndLiveMessagesSurviveInOrder(@TempDir Path dir) {
        Journal j = JournalRecoveryTest.journal(dir, 8 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "busy")).join();
        j.append(queue(2, "stuck")).join();
        j.append(new StorageRecord.PutState("mqtt.retained", "t", "kept".getBytes(StandardCharsets.UTF_8))).join();
        String body = "y".repeat(500);
        List<Long> stuck = new ArrayList<>();
        long id = 0;
        for (int round = 0; round < 60; round++) {
            j.append(publish(1, ++id, body)).join();
            j.append(ack(1, id)).join();
            if (round % 10 == 0) {
                j.append(publish(2, ++id, "stuck-" + id)).join();
                stuck.add(id);
            }
        }
        j.append(new StorageRecord.UpdateDeliveryCount(2, stuck.get(0), 4)).join();
        // Make the head roll a few more times so the old segments become compaction candidates.
        for (int i = 0; i < 30; i++) {
            j.append(publish(1, ++id, body)).join();
            j.append(ack(1, id)).join();
        }
        await().untilAsserted(() -> assertThat(j.stats().compactions()).isPositive());
        int segments = j.stats().segments();
        j.close();
        assertThat(segments).as("segments left after compaction").isLessThan(8);

        Journal again = JournalRecoveryTest.journal(dir, 8 * 1024);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        assertThat(s.messageIdsIn(1)).isEmpty();
        assertThat(s.messageIdsIn(2)).containsExactlyElementsOf(stuck);
        assertThat(s.messages.keySet()).containsExactlyInAnyOrderElementsOf(stuck);
        assertThat(s.refs).contains(new RecoveredState.Ref(2, stuck.get(0), 4, 0));
        assertThat(s.state).containsEntry("mqtt.retained/t", "kept");
        assertThat(s.queues).hasSize(2);
    }
}
