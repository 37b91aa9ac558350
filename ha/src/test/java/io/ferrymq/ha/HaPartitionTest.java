package io.ferrymq.ha;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.storage.StorageRecord;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Network partitions with both nodes alive: every link (replication in each direction, each node to
 * ZooKeeper) runs through a {@link CuttableLink}. Writers push to both nodes all the time; each confirmed
 * write is recorded with the moment it was confirmed, and the test checks that the confirmations of the
 * two nodes never interleave (no split brain) and that every confirmed write survives the healing and a
 * later failover.
 */
class HaPartitionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The session timeout the nodes ask for (4 s, as in {@link Pair}: sessions survive a busy machine). */
    private static final Duration TIMEOUT = Duration.ofSeconds(4);

    @TempDir
    Path dir;

    /** A write a node confirmed, when, and into which of its journals (a node opens a new one on each promotion). */
    private record Confirmed(String node, String key, long atNanos, Journal journal) { }

    private static String[] keys(List<Confirmed> list) {
        return list.stream().map(Confirmed::key).toArray(String[]::new);
    }

    /** The two nodes, their links and a writer per node that writes to whatever journal its node serves. */
    private final class Partitioned implements AutoCloseable {
        final TestingServer zookeeper;
        final CuttableLink zkA;
        final CuttableLink zkB;
        final CuttableLink toA;
        final CuttableLink toB;
        final HaConfig configA;
        final HaConfig configB;
        final JournalLauncher la = new JournalLauncher(dir.resolve("a"));
        final JournalLauncher lb = new JournalLauncher(dir.resolve("b"));
        final ConcurrentLinkedQueue<Confirmed> confirmed = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> failed = Map.of("node-a", new AtomicInteger(), "node-b", new AtomicInteger());
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> writers = new ArrayList<>();
        HaNode a;
        HaNode b;

        Partitioned(AlonePolicy policy) throws Exception {
            zookeeper = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 250, -1), true);
            zkA = new CuttableLink("127.0.0.1", zookeeper.getPort());
            zkB = new CuttableLink("127.0.0.1", zookeeper.getPort());
            int replicationA = Pair.freePort();
            int replicationB = Pair.freePort();
            toA = new CuttableLink("127.0.0.1", replicationA);
            toB = new CuttableLink("127.0.0.1", replicationB);
            configA = config("node-a", replicationA, toB.port(), zkA.port(), policy);
            configB = config("node-b", replicationB, toA.port(), zkB.port(), policy);
        }

        private HaConfig config(String id, int own, int peerLink, int zkLink, AlonePolicy policy) {
            return new HaConfig(id, InetSocketAddress.createUnresolved("127.0.0.1", own),
                    InetSocketAddress.createUnresolved("127.0.0.1", peerLink), "127.0.0.1:" + zkLink, "partition",
                    TIMEOUT, policy);
        }

        /** Node a active, node b its standby in sync, writers running on both. */
        void startInSync() throws Exception {
            a = new HaNode(configA, la);
            a.start();
            await().atMost(WAIT).until(() -> a.role() == HaNode.Role.ACTIVE);
            b = new HaNode(configB, lb);
            b.start();
            await().atMost(WAIT).until(() -> String.valueOf(a.status().standby()).contains("node-b in sync"));
            writers.add(writer("node-a", la));
            writers.add(writer("node-b", lb));
        }

        private Thread writer(String node, JournalLauncher launcher) {
            Thread t = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    Journal j = launcher.journal;
                    if (j == null) {
                        // Never active yet: nothing to write to (pacing, not synchronisation).
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                        continue;
                    }
                    String key = node + "-" + i;
                    try {
                        j.append(List.of(new StorageRecord.PutState("test", key, key.getBytes(StandardCharsets.UTF_8))))
                                .whenComplete((v, e) -> {
                                    if (e == null) {
                                        confirmed.add(new Confirmed(node, key, System.nanoTime(), j));
                                    }
                                }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (Exception e) {
                        failed.get(node).incrementAndGet();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    }
                }
            }, "writer-" + node);
            t.setDaemon(true);
            t.start();
            return t;
        }

        int confirmedBy(String node) {
            return (int) confirmed.stream().filter(c -> c.node().equals(node)).count();
        }

        void awaitMoreConfirmedBy(String node, int more) {
            int before = confirmedBy(node);
            await().atMost(WAIT).until(() -> confirmedBy(node) >= before + more);
        }

        void stopWriters() throws InterruptedException {
            stop.set(true);
            for (Thread t : writers) {
                t.join(WAIT.toMillis());
            }
        }

        /** Confirmations before {@code last} was opened (by the promotion the test checks the outcome of). */
        List<Confirmed> before(Journal last) {
            return confirmed.stream().filter(c -> c.journal() != last).toList();
        }

        /** The nodes in the order their confirmations came: split brain would show as a node coming back. */
        List<String> confirmingOrder(List<Confirmed> list) {
            List<String> order = new ArrayList<>();
            list.stream().sorted(Comparator.comparingLong(Confirmed::atNanos)).forEach(c -> {
                if (order.isEmpty() || !order.get(order.size() - 1).equals(c.node())) {
                    order.add(c.node());
                }
            });
            return order;
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            List.of(toA, toB, zkA, zkB).forEach(CuttableLink::heal);
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
            List.of(toA, toB, zkA, zkB).forEach(CuttableLink::close);
            zookeeper.close();
        }
    }

    @Test
    void cutReplicationLinkLeavesTheActiveServingAloneAndTheStandbyWaiting() throws Exception {
        try (Partitioned p = new Partitioned(AlonePolicy.SERVE)) {
            p.startInSync();
            p.awaitMoreConfirmedBy("node-a", 100);

            p.toA.cut();
            p.toB.cut();
            // Both nodes still reach ZooKeeper: the active drops the standby from the pair record after the failover
            // timeout and then confirms on its own disk; the standby, no longer named in sync, may not promote.
            await().atMost(WAIT).until(() -> p.a.status().standby() == null);
            p.awaitMoreConfirmedBy("node-a", 100);
            assertThat(p.b.role()).isEqualTo(HaNode.Role.STANDBY);
            assertThat(p.confirmedBy("node-b")).isZero();

            p.toA.heal();
            p.toB.heal();
            await().atMost(WAIT).until(() -> String.valueOf(p.a.status().standby()).contains("node-b in sync"));
            p.awaitMoreConfirmedBy("node-a", 100);

            // Everything node a confirmed, alone or not, is on node b after its resync.
            p.a.close();
            await().atMost(WAIT).until(() -> p.b.role() == HaNode.Role.ACTIVE);
            p.awaitMoreConfirmedBy("node-b", 10);
            p.stopWriters();
            List<Confirmed> checked = p.before(p.lb.journal);
            assertThat(p.confirmingOrder(checked)).containsExactly("node-a");
            assertThat(p.confirmingOrder(p.confirmed.stream().toList())).containsExactly("node-a", "node-b");
            assertThat(p.lb.recovered).containsKeys(keys(checked));
        }
    }

    @Test
    void cutReplicationLinkWithRefusePersistentRefusesUntilTheStandbyIsBack() throws Exception {
        try (Partitioned p = new Partitioned(AlonePolicy.REFUSE_PERSISTENT)) {
            p.startInSync();
            p.awaitMoreConfirmedBy("node-a", 100);

            p.toA.cut();
            p.toB.cut();
            await().atMost(WAIT).until(() -> p.a.status().standby() == null);
            int refusedBefore = p.failed.get("node-a").get();
            await().atMost(WAIT).until(() -> p.failed.get("node-a").get() > refusedBefore + 10);
            int confirmedAlone = p.confirmedBy("node-a");
            // Refusing, not confirming: whatever was in flight settled when the standby was dropped.
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> p.confirmedBy("node-a") == confirmedAlone);
            assertThat(p.b.role()).isEqualTo(HaNode.Role.STANDBY);

            p.toA.heal();
            p.toB.heal();
            await().atMost(WAIT).until(() -> String.valueOf(p.a.status().standby()).contains("node-b in sync"));
            p.awaitMoreConfirmedBy("node-a", 100);
            p.a.close();
            await().atMost(WAIT).until(() -> p.b.role() == HaNode.Role.ACTIVE);
            p.stopWriters();
            assertThat(p.lb.recovered).containsKeys(keys(p.before(p.lb.journal)));
        }
    }

    @Test
    void activeCutFromZooKeeperFencesItselfAndRejoinsAsStandbyAfterHealing() throws Exception {
        try (Partitioned p = new Partitioned(AlonePolicy.SERVE)) {
            p.startInSync();
            p.awaitMoreConfirmedBy("node-a", 100);

            long cutAt = System.nanoTime();
            p.zkA.cut();
            // Node a fails its pending and later writes; node b takes the lead once node a's session expires.
            int failedBefore = p.failed.get("node-a").get();
            await().atMost(WAIT).until(() -> p.failed.get("node-a").get() > failedBefore);
            await().atMost(WAIT).until(() -> p.b.role() == HaNode.Role.ACTIVE);
            p.awaitMoreConfirmedBy("node-b", 100);
            long lastOfA = p.confirmed.stream().filter(c -> c.node().equals("node-a")).mapToLong(Confirmed::atNanos)
                    .max().orElseThrow();
            // Node a stopped confirming within its 2T/3 of ZooKeeper silence, before the session (T) could expire.
            assertThat(Duration.ofNanos(lastOfA - cutAt)).isLessThan(TIMEOUT);

            p.zkA.heal();
            // Node a followed node b over the replication link while cut off, and is now its standby in sync.
            await().atMost(WAIT).until(() -> String.valueOf(p.b.status().standby()).contains("node-a in sync"));
            assertThat(p.a.role()).isEqualTo(HaNode.Role.STANDBY);
            p.awaitMoreConfirmedBy("node-b", 100);

            p.b.close();
            await().atMost(WAIT).until(() -> p.a.role() == HaNode.Role.ACTIVE);
            p.awaitMoreConfirmedBy("node-a", 10);
            p.stopWriters();
            List<Confirmed> checked = p.before(p.la.journal);
            assertThat(p.confirmingOrder(checked)).containsExactly("node-a", "node-b");
            assertThat(p.la.recovered).containsKeys(keys(checked));
        }
    }
}
