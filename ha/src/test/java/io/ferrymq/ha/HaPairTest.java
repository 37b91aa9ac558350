package io.ferrymq.ha;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.storage.StorageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HaPairTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static CompletableFuture<Void> put(Journal j, String key) {
        return j.append(List.of(new StorageRecord.PutState("test", key, key.getBytes(StandardCharsets.UTF_8))));
    }

    private static List<String> writeConfirmed(Journal j, String prefix, int n) throws Exception {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(prefix + i);
            futures.add(put(j, prefix + i));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return keys;
    }

    @Test
    void standbyCatchesUpThenPromotesWithEveryConfirmedWrite() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.SERVE)) {
            JournalLauncher la = new JournalLauncher(dir.resolve("a"));
            JournalLauncher lb = new JournalLauncher(dir.resolve("b"));
            HaNode a = new HaNode(pair.a, la);
            a.start();
            await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
            // Written while alone: the standby gets these through the snapshot.
            List<String> confirmed = new ArrayList<>(writeConfirmed(la.journal, "alone-", 500));
            HaNode b = new HaNode(pair.b, lb);
            try {
                b.start();
                await().atMost(WAIT).until(() -> String.valueOf(a.status().standby()).contains("in sync"));
                assertThat(b.role()).isEqualTo(HaNode.Role.STANDBY);
                // Written in synchronous mode: each confirmed only once the standby has it on disk.
                confirmed.addAll(writeConfirmed(la.journal, "sync-", 2000));
                assertThat(b.status().appliedThrough()).isGreaterThan(0);

                a.close();
                await().atMost(WAIT).until(() -> b.role() == HaNode.Role.ACTIVE);
                assertThat(lb.recovered).containsKeys(confirmed.toArray(String[]::new));
                assertThat(b.status().epoch()).isEqualTo(2);
            } finally {
                b.close();
            }
        }
    }

    @Test
    void returningNodeResyncsAsStandbyAndCanTakeOverAgain() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.SERVE)) {
            JournalLauncher la = new JournalLauncher(dir.resolve("a"));
            JournalLauncher lb = new JournalLauncher(dir.resolve("b"));
            HaNode a = new HaNode(pair.a, la);
            HaNode b = new HaNode(pair.b, lb);
            a.start();
            await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
            b.start();
            await().atMost(WAIT).until(() -> String.valueOf(a.status().standby()).contains("in sync"));
            List<String> confirmed = new ArrayList<>(writeConfirmed(la.journal, "first-", 300));
            a.close();
            await().atMost(WAIT).until(() -> b.role() == HaNode.Role.ACTIVE);
            // b serves alone, then a comes back, empty of these, and must catch up before b may fail.
            confirmed.addAll(writeConfirmed(lb.journal, "second-", 300));
            HaNode a2 = new HaNode(pair.a, la);
            try {
                a2.start();
                await().atMost(WAIT).until(() -> String.valueOf(b.status().standby()).contains("in sync"));
                assertThat(a2.role()).isEqualTo(HaNode.Role.STANDBY);
                confirmed.addAll(writeConfirmed(lb.journal, "third-", 300));
                b.close();
                await().atMost(WAIT).until(() -> a2.role() == HaNode.Role.ACTIVE);
                assertThat(la.recovered).containsKeys(confirmed.toArray(String[]::new));
            } finally {
                a2.close();
                b.close();
            }
        }
    }

    @Test
    void plannedSwitchoverHandsOverEveryConfirmedWriteAndTheOldActiveFollows() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.SERVE)) {
            JournalLauncher la = new JournalLauncher(dir.resolve("a"));
            JournalLauncher lb = new JournalLauncher(dir.resolve("b"));
            HaNode a = new HaNode(pair.a, la);
            HaNode b = new HaNode(pair.b, lb);
            try {
                a.start();
                await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
                b.start();
                await().atMost(WAIT).until(() -> String.valueOf(a.status().standby()).contains("in sync"));
                List<String> confirmed = writeConfirmed(la.journal, "before-", 300);

                assertThat(SwitchoverRequest.run(pair.a, Duration.ofSeconds(60)))
                        .startsWith("switched over: node-b is active in epoch 2");
                await().atMost(WAIT).until(() -> b.role() == HaNode.Role.ACTIVE);
                assertThat(lb.recovered).containsKeys(confirmed.toArray(String[]::new));
                await().atMost(WAIT).until(() -> String.valueOf(b.status().standby()).contains("node-a in sync"));
                assertThat(a.role()).isEqualTo(HaNode.Role.STANDBY);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void switchoverWithoutAStandbyInSyncIsRefused() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.SERVE)) {
            HaNode a = new HaNode(pair.a, new JournalLauncher(dir.resolve("a")));
            try {
                a.start();
                await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
                assertThatThrownBy(() -> SwitchoverRequest.run(pair.a, Duration.ofSeconds(5)))
                        .hasMessageContaining("no standby is in sync");
                assertThat(a.role()).isEqualTo(HaNode.Role.ACTIVE);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void activeMeetingAHigherEpochStopsConfirmingWrites() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.SERVE)) {
            JournalLauncher la = new JournalLauncher(dir.resolve("a"));
            HaNode a = new HaNode(pair.a, la);
            try {
                a.start();
                await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
                Journal journal = la.journal;
                writeConfirmed(journal, "before-", 10);
                // A node of a later epoch says hello on the replication channel: [length][type 1][epoch][node id].
                try (Socket s = new Socket("127.0.0.1", a.replicationAddress().getPort())) {
                    byte[] id = "node-from-the-future".getBytes(StandardCharsets.UTF_8);
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    out.writeInt(1 + 8 + id.length);
                    out.writeByte(1);
                    out.writeLong(99);
                    out.write(id);
                    out.flush();
                    await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> put(journal, "after").get(30,
                            TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class));
                }
                assertThatThrownBy(() -> put(journal, "later").get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(BrokerException.class);
                // It demoted itself; ZooKeeper (the fence) still names it active, so it comes back in a new epoch.
                await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE && a.status().epoch() == 2);
                assertThat(la.journal).isNotSameAs(journal);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void activeThatLosesZooKeeperStopsConfirmingWrites() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.SERVE)) {
            JournalLauncher la = new JournalLauncher(dir.resolve("a"));
            HaNode a = new HaNode(pair.a, la);
            try {
                a.start();
                await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
                Journal journal = la.journal;
                writeConfirmed(journal, "before-", 10);
                long stopped = System.nanoTime();
                pair.zookeeper.stop();
                await().atMost(WAIT).untilAsserted(() -> assertThatThrownBy(() -> put(journal, "after").get(30,
                        TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class));
                // Fenced before the session (4 s) could have expired on the server and let another node promote.
                assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(pair.a.failoverTimeout());
            } finally {
                a.close();
            }
        }
    }

    @Test
    void refusePersistentPolicyRefusesWritesUntilTheStandbyIsInSync() throws Exception {
        try (Pair pair = new Pair(AlonePolicy.REFUSE_PERSISTENT)) {
            JournalLauncher la = new JournalLauncher(dir.resolve("a"));
            JournalLauncher lb = new JournalLauncher(dir.resolve("b"));
            HaNode a = new HaNode(pair.a, la);
            HaNode b = new HaNode(pair.b, lb);
            try {
                a.start();
                await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
                assertThatThrownBy(() -> put(la.journal, "alone").get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(BrokerException.class)
                        .cause().satisfies(e -> assertThat(((BrokerException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
                b.start();
                await().atMost(WAIT).until(() -> String.valueOf(a.status().standby()).contains("in sync"));
                writeConfirmed(la.journal, "paired-", 50);
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
