package io.ferrymq.bench.jmh;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.storage.InMemoryStorage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The permission check every publish makes ({@link Session#checkTopicPermission}, what {@code Session.send} does
 * for a topic), for a producer sending to one topic, against a realm of {@code rules} rules where the one that
 * allows it comes last (other applications' rules first, as in a shared broker's configuration). The destination
 * is a fresh string each time, as a decoder makes it per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionPermissionCheckBenchmark {

    @Param({"1", "20"})
    int rules;

    private ScheduledExecutorService timer;
    private Broker broker;
    private Session session;
    private final char[] topic = "sensors.eu.hall-7.temperature".toCharArray();

    @Setup
    public void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-timer");
            t.setDaemon(true);
            return t;
        });
        Executor direct = Runnable::run;
        BrokerRuntime runtime = new BrokerRuntime(direct, direct, BrokerRuntime.scheduledBy(timer), Clock.SYSTEM,
                timer::shutdownNow);
        UserAccount user = new UserAccount("bench", PasswordHash.create("bench", 1), Set.of("sensors"), false);
        List<PermissionRule> list = new ArrayList<>();
        for (int i = 1; i < rules; i++) {
            list.add(new PermissionRule("*", NamePattern.of("app" + i + ".#"), EnumSet.of(Permission.SEND,
                    Permission.CONSUME), Set.of("app" + i), Set.of()));
        }
        list.add(new PermissionRule("*", NamePattern.of("sensors.*.*.#"), EnumSet.of(Permission.SEND,
                Permission.CONSUME), Set.of("sensors"), Set.of()));
        broker = Broker.start(new BrokerOptions(runtime, new InMemoryStorage(), new ConfiguredRealm(List.of(user),
                list, null), PolicyTable.empty(), 0, 30_000, List.of("/")));
        session = broker.open("/", new ClientInfo(broker.newConnectionId(), "bench", null, "bench", null), "bench",
                "bench", new DeliverySink() {
                    @Override
                    public Executor executor() {
                        return direct;
                    }

                    @Override
                    public void deliver(Delivery delivery) {
                    }
                }).join();
    }

    @TearDown
    public void tearDown() {
        session.close();
        broker.close();
    }

    @Benchmark
    public Session sendToOneTopic() {
        session.checkTopicPermission(Permission.SEND, "amq.topic", new String(topic));
        return session;
    }
}
