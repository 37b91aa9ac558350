package io.ferrymq.bench.jmh;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Route;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.api.Source;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;
import io.ferrymq.core.queue.Subscription;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A queue's own cost per message: publish through a session, deliver to a consumer by credit, settle.
 * Every executor runs on the calling thread, so this measures the core's logic (routing, admission,
 * ready list, in-flight map, credit) without thread hand-offs, sockets or protocol codecs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QueueEnqueueDequeueBenchmark {

    private static final int BATCH = 100;

    private ScheduledExecutorService timer;
    private Broker broker;
    private Session session;
    private Subscription subscription;
    private final ArrayDeque<Delivery> delivered = new ArrayDeque<>();
    private Message message;

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
        UserAccount user = new UserAccount("bench", PasswordHash.create("bench", 1), Set.of("all"), false);
        PermissionRule all = new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("all"),
                Set.of());
        broker = Broker.start(new BrokerOptions(runtime, new InMemoryStorage(), new ConfiguredRealm(List.of(user),
                List.of(all), null), PolicyTable.empty(), 0, 30_000, List.of("/")));
        session = broker.open("/", new ClientInfo(broker.newConnectionId(), "bench", null, "bench", null), "bench",
                "bench", new DeliverySink() {
                    @Override
                    public Executor executor() {
                        return direct;
                    }

                    @Override
                    public void deliver(Delivery delivery) {
                        delivered.add(delivery);
                    }
                }).join();
        message = Message.builder().durable(false).body(new byte[1024]).build();
        session.send(Route.queue("bench"), message, null).join();
        subscription = session.consume(Source.queue("bench"), ConsumeOptions.credit(0)).join();
        subscription.credit(1);
        settleAll();
    }

    @TearDown
    public void tearDown() {
        session.close();
        broker.close();
    }

    /** The queue is empty and the consumer has credit: each message goes straight through. */
    @Benchmark
    public int sendDeliverSettle() {
        subscription.credit(1);
        session.send(Route.queue("bench"), message, null).join();
        return settleAll();
    }

    /** A backlog builds up while the consumer has no credit, then drains in one go. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int enqueueBacklogThenDrain() {
        for (int i = 0; i < BATCH; i++) {
            session.send(Route.queue("bench"), message, null).join();
        }
        subscription.credit(BATCH);
        return settleAll();
    }

    private int settleAll() {
        int n = 0;
        for (Delivery d; (d = delivered.poll()) != null; n++) {
            session.settle(d, Outcome.ACCEPT, null).join();
        }
        return n;
    }
}
