package io.ferrymq.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults under load, per protocol, against the broker as a separate process with every listener: producers
 * send until a random number of messages is confirmed, the broker is killed with SIGKILL (or stopped with
 * SIGTERM), started again on the same data directory, and its queues drained. Every confirmed message must be
 * there; a message delivered twice is allowed only where the protocol allows redelivery and flags it (MQTT
 * QoS 1 DUP, JMSRedelivered, an SQS receive count above one), never for MQTT QoS 2. The STOMP kill loop with
 * acknowledgements in flight is {@link CrashRecoveryTest}. Seeded: {@code -Dferrymq.fault.seed}.
 */
@Tag("system")
class ProtocolFaultTest {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolFaultTest.class);
    private static final long SEED = Long.getLong("ferrymq.fault.seed", 20261207L);
    private static final int ROUNDS = Integer.getInteger("ferrymq.fault.rounds", 3);

    @Test
    void mqttQos1ConfirmedPublishesSurviveKillMinusNine(@TempDir Path dir) throws Exception {
        killLoop(dir, new ProtocolLoads.Mqtt(1));
    }

    @Test
    void mqttQos2ConfirmedPublishesSurviveKillMinusNineExactlyOnce(@TempDir Path dir) throws Exception {
        killLoop(dir, new ProtocolLoads.Mqtt(2));
    }

    @Test
    void amqpPersistentSendsSurviveKillMinusNine(@TempDir Path dir) throws Exception {
        killLoop(dir, new ProtocolLoads.Amqp());
    }

    @Test
    void sqsSentMessagesSurviveKillMinusNine(@TempDir Path dir) throws Exception {
        killLoop(dir, new ProtocolLoads.Sqs());
    }

    @Test
    void sigtermUnderLoadOnEveryProtocolLosesNothingConfirmed(@TempDir Path dir) throws Exception {
        List<ProtocolLoads.Driver> drivers = List.of(new ProtocolLoads.Stomp(), new ProtocolLoads.Mqtt(1),
                new ProtocolLoads.Mqtt(2), new ProtocolLoads.Amqp(), new ProtocolLoads.Sqs());
        Path data = dir.resolve("data");
        Random random = new Random(SEED);
        List<ProtocolLoads.Load> loads = new ArrayList<>();
        int stopAfter = 300 + random.nextInt(700);
        try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, data, "512m")) {
            for (ProtocolLoads.Driver d : drivers) {
                d.prepare(broker);
            }
            for (ProtocolLoads.Driver d : drivers) {
                loads.add(d.start(broker, "term-" + d.name().replace(' ', '-')));
            }
            await().atMost(180, TimeUnit.SECONDS).until(() -> loads.stream().allMatch(l -> l.confirmed().size() >= stopAfter));
            int exit = broker.terminate();
            LOG.info("SIGTERM under load: exit code {}", exit);
        }
        List<Set<String>> confirmed = new ArrayList<>();
        for (ProtocolLoads.Load l : loads) {
            // Only what was confirmed before the broker went away counts.
            confirmed.add(Set.copyOf(l.confirmed()));
            l.close();
        }
        try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, data, "512m")) {
            for (int i = 0; i < drivers.size(); i++) {
                check(drivers.get(i), "sigterm", confirmed.get(i), drivers.get(i).drain(broker, "end-sigterm"));
            }
        }
    }

    private void killLoop(Path dir, ProtocolLoads.Driver driver) throws Exception {
        Path data = dir.resolve("data");
        Random random = new Random(SEED ^ driver.name().hashCode());
        for (int round = 0; round < ROUNDS; round++) {
            int killAfter = 200 + random.nextInt(1500);
            Set<String> confirmed;
            try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, data, "512m")) {
                if (round == 0) {
                    driver.prepare(broker);
                }
                ProtocolLoads.Load load = driver.start(broker, "r" + round);
                await().atMost(180, TimeUnit.SECONDS).until(() -> load.confirmed().size() >= killAfter);
                broker.kill();
                confirmed = Set.copyOf(load.confirmed());
                load.close();
            }
            try (BrokerProcess broker = BrokerProcess.startAllListeners(dir, data, "512m")) {
                check(driver, "round " + round + " (kill after " + killAfter + ")", confirmed,
                        driver.drain(broker, "end-" + round));
            }
        }
    }

    private static void check(ProtocolLoads.Driver driver, String when, Set<String> confirmed, ProtocolLoads.Drained drained) {
        Set<String> lost = new HashSet<>(confirmed);
        lost.removeAll(drained.counts().keySet());
        Set<String> unconfirmedKept = new HashSet<>(drained.counts().keySet());
        unconfirmedKept.removeAll(confirmed);
        List<String> duplicates = new ArrayList<>();
        List<String> unflaggedDuplicates = new ArrayList<>();
        for (Map.Entry<String, Integer> e : drained.counts().entrySet()) {
            if (e.getValue() > 1) {
                duplicates.add(e.getKey() + " x" + e.getValue());
                if (!driver.flaggedRedeliveryAllowed() || !drained.flagged().contains(e.getKey())) {
                    unflaggedDuplicates.add(e.getKey() + " x" + e.getValue());
                }
            }
        }
        LOG.info("{} {}: confirmed {}, recovered {}, lost {}, recovered without confirmation {}, duplicates {}, "
                        + "flagged redelivered {}", driver.name(), when, confirmed.size(), drained.counts().size(),
                lost.size(), unconfirmedKept.size(), duplicates.size(), drained.flagged().size());
        assertThat(lost).as("%s %s: confirmed messages lost", driver.name(), when).isEmpty();
        assertThat(unflaggedDuplicates).as("%s %s: duplicates the protocol does not allow", driver.name(), when)
                .isEmpty();
    }
}
