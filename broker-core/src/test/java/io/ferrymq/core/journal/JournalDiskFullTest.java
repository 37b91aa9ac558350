package io.ferrymq.core.journal;

import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.storage.StorageRecord;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.ferrymq.core.journal.JournalRecoveryTest.ack;
import static io.ferrymq.core.journal.JournalRecoveryTest.publish;
import static io.ferrymq.core.journal.JournalRecoveryTest.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A full disk is survived: producers are refused, settlements wait and are kept, writes resume by themselves. */
class JournalDiskFullTest {

    private static final long SEGMENT = 64 * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static Journal journal(Path dir, FillableDisk disk, long minFree) {
        return Journal.open(JournalOptions.defaults(dir).withSegmentSize(SEGMENT).withMinFree(minFree), disk);
    }

    @Test
    void writesThatFindTheDiskFullAreHeldAndWrittenOnceSpaceIsBackWithoutARestart(@TempDir Path dir) {
        FillableDisk disk = new FillableDisk();
        Journal j = journal(dir, disk, 0);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        disk.fill();
        String body = "x".repeat(1000);
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        int id = 0;
        // The spare made before the disk filled takes one segment more; the one after it cannot be created.
        while (j.writeAlarm() == null) {
            id++;
            writes.add(j.append(publish(1, id, body)));
            if (id % 20 == 0) {
                CompletableFuture<Void> last = writes.get(writes.size() - 1);
                await().atMost(PATIENCE).until(() -> last.isDone() || j.writeAlarm() != null);
            }
            assertThat(id).as("the disk never filled").isLessThan(10_000);
        }
        int published = id;
        BrokerException alarm = j.writeAlarm();
        assertThat(alarm.code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(alarm.getMessage()).contains("No space left on device").contains("refused until space is freed");
        assertThat(writes.get(writes.size() - 1)).as("held, neither failed nor confirmed").isNotDone();
        // Consumers settle while the disk is full: the settlements wait in order, they are not failed.
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 1; i <= published; i += 2) {
            acks.add(j.append(ack(1, i)));
        }
        assertThat(acks).noneMatch(CompletableFuture::isDone);

        int createdBefore = disk.createdSegments.get();
        disk.freeSpace();
        // A new segment is created (the failed one is not re-joined) and everything held is written.
        await().atMost(PATIENCE).until(() -> writes.stream().allMatch(CompletableFuture::isDone)
                && acks.stream().allMatch(CompletableFuture::isDone));
        writes.forEach(CompletableFuture::join);
        acks.forEach(CompletableFuture::join);
        await().atMost(PATIENCE).until(() -> j.writeAlarm() == null);
        assertThat(disk.refusedSegments.get()).isPositive();
        assertThat(disk.createdSegments.get()).as("segment creation was tried again").isGreaterThan(createdBefore);
        j.append(publish(1, published + 1, body)).join();
        j.close();

        Journal again = journal(dir, disk, 0);
        RecoveredState s = RecoveredState.of(again);
        again.close();
        List<Long> expected = new ArrayList<>();
        for (long i = 2; i <= published; i += 2) {
            expected.add(i);
        }
        expected.add((long) published + 1);
        assertThat(s.messageIdsIn(1)).as("nothing acknowledged comes back, nothing confirmed is lost")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void belowTheFreeSpaceLimitProducersAreRefusedConsumersKeepWorkingAndProducersResume(@TempDir Path dir) {
        FillableDisk disk = new FillableDisk();
        try (TestBroker tb = TestBroker.builder().storage(journal(dir, disk, 1024 * 1024)).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            for (int i = 1; i <= 10; i++) {
                s.send(Route.queue("orders"), TestBroker.text("m" + i), null).join();
            }
            disk.reportFree(512 * 1024);
            await().atMost(PATIENCE).until(() -> tb.storage().writeAlarm() != null);

            CompletableFuture<?> refused = s.send(Route.queue("orders"), TestBroker.text("refused"), null);
            assertThatThrownBy(refused::join).cause().isInstanceOfSatisfying(BrokerException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
                assertThat(e.getMessage()).contains("storage.min-free").contains("0.5 MiB free");
            });
            s.consume(Source.queue("orders"), ConsumeOptions.credit(100)).join();
            await().atMost(PATIENCE).until(() -> sink.deliveries().size() == 10);
            for (Delivery d : sink.deliveries()) {
                s.settle(d, Outcome.ACCEPT, null).join();
            }
            assertThat(tb.stats("orders").ready()).isZero();

            disk.reportFree(1L << 30);
            await().atMost(PATIENCE).until(() -> tb.storage().writeAlarm() == null);
            s.send(Route.queue("orders"), TestBroker.text("accepted"), null).join();
            await().atMost(PATIENCE).until(() -> sink.bodies().contains("accepted"));
        }
    }

    @Test
    void aBrokerWhoseDiskFillsRefusesProducersKeepsConsumersAndLosesNoSettlementAcrossARestart(@TempDir Path dir)
            throws Exception {
        FillableDisk disk = new FillableDisk();
        String body = "y".repeat(2000);
        int sent;
        try (TestBroker tb = TestBroker.builder().storage(journal(dir, disk, 0)).build()) {
            RecordingSink sink = new RecordingSink();
            Session s = tb.session(sink);
            s.send(Route.queue("work"), TestBroker.text("first"), null).join();
            disk.fill();
            List<CompletableFuture<?>> sends = new ArrayList<>();
            int i = 0;
            while (tb.storage().writeAlarm() == null) {
                i++;
                sends.add(s.send(Route.queue("work"), TestBroker.text(i + body), null));
                if (i % 10 == 0) {
                    CompletableFuture<?> last = sends.get(sends.size() - 1);
                    await().atMost(PATIENCE).until(() -> last.isDone() || tb.storage().writeAlarm() != null);
                }
                assertThat(i).as("the disk never filled").isLessThan(5_000);
            }
            sent = i;
            CompletableFuture<?> refused = s.send(Route.queue("work"), TestBroker.text("refused"), null);
            assertThatThrownBy(refused::join).cause().isInstanceOf(BrokerException.class)
                    .extracting(e -> ((BrokerException) e).code()).isEqualTo(ErrorCode.DISK_FULL);

            // Consumers keep receiving everything that was accepted, and settle it while the disk is full.
            s.consume(Source.queue("work"), ConsumeOptions.credit(10_000)).join();
            await().atMost(PATIENCE).until(() -> sink.deliveries().size() == sent + 1);
            assertThat(sink.bodies()).doesNotContain("refused");
            List<CompletableFuture<Void>> settled = new ArrayList<>();
            for (Delivery d : sink.deliveries()) {
                settled.add(s.settle(d, Outcome.ACCEPT, null));
            }
            assertThat(tb.stats("work").ready()).isZero();

            disk.freeSpace();
            await().atMost(PATIENCE).until(() -> settled.stream().allMatch(CompletableFuture::isDone)
                    && sends.stream().allMatch(CompletableFuture::isDone));
            settled.forEach(CompletableFuture::join);
            sends.forEach(CompletableFuture::join);
            await().atMost(PATIENCE).until(() -> tb.storage().writeAlarm() == null);
            s.send(Route.queue("work"), TestBroker.text("after"), null).join();
        }
        try (TestBroker tb = TestBroker.builder().storage(journal(dir, disk, 0)).build()) {
            RecordingSink sink = new RecordingSink();
            tb.session(sink).consume(Source.queue("work"), ConsumeOptions.credit(10_000)).join();
            await().atMost(PATIENCE).until(() -> sink.deliveries().size() >= 1);
            assertThat(sink.bodies()).as("settled while the disk was full: none comes back").containsExactly("after");
            assertThat(tb.stats("work").ready()).isZero();
        }
    }

    @Test
    void aDiskWithoutRoomForTheFirstSegmentStopsStartUpWithAClearError(@TempDir Path dir) {
        FillableDisk disk = new FillableDisk();
        disk.fill();
        Journal j = journal(dir, disk, 0);
        try {
            assertThatThrownBy(() -> RecoveredState.of(j)).isInstanceOfSatisfying(BrokerException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
                assertThat(e.getMessage()).contains("cannot create a journal segment of 0.1 MiB in " + dir)
                        .contains("No space left on device").contains("lower storage.segment-size");
            });
        } finally {
            j.close();
        }
    }

    @Test
    void appendsWithNothingButSettlementsAreNeverRefused(@TempDir Path dir) {
        FillableDisk disk = new FillableDisk();
        Journal j = journal(dir, disk, 1024 * 1024);
        RecoveredState.of(j);
        j.append(queue(1, "q")).join();
        j.append(publish(1, 1, "a")).join();
        disk.reportFree(1024);
        await().atMost(PATIENCE).until(() -> j.writeAlarm() != null);
        // The alarm is for producers (the broker refuses them); what the journal is given, it keeps.
        j.append(List.<StorageRecord>of(new StorageRecord.DeleteReference(1, 1), new StorageRecord.DeleteMessage(1)))
                .join();
        j.close();
    }
}
