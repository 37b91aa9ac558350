package io.ferrymq.core.testing;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.api.DeliverySink;
import io.ferrymq.core.api.Session;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.storage.InMemoryStorage;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.core.vhost.VirtualHost;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A broker in virtual time for core tests: every executor runs on the calling thread, so a test is a
 * plain sequence of calls, and time moves only through {@link #advance}.
 */
public final class TestBroker implements AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String PASSWORD = "secret";

    private final ManualClock clock;
    private final ManualScheduler scheduler;
    private final Storage storage;
    private final Broker broker;

    private TestBroker(Builder b) {
        this.clock = new ManualClock(b.startMillis);
        this.scheduler = new ManualScheduler(clock);
        this.storage = b.storage;
        BrokerRuntime runtime = new BrokerRuntime(Runnable::run, Runnable::run, scheduler, clock, () -> { });
        this.broker = Broker.start(new BrokerOptions(runtime, storage, b.realm, new PolicyTable(b.policies),
                b.memoryLimit, 30_000, List.of("/", "other"), b.paging).withLimits(b.limits));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static TestBroker start() {
        return builder().build();
    }

    /** A realm with {@value #ADMIN} (all permissions) and cheap password hashing. */
    public static SecurityRealm adminRealm() {
        UserAccount admin = new UserAccount(ADMIN, PasswordHash.create(PASSWORD, 1000), Set.of("admins"), false);
        PermissionRule all = new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class),
                Set.of("admins"), Set.of());
        return new ConfiguredRealm(List.of(admin), List.of(all), null);
    }

    public Broker broker() {
        return broker;
    }

    public Storage storage() {
        return storage;
    }

    public ManualClock clock() {
        return clock;
    }

    public void advance(long millis) {
        scheduler.advance(millis);
    }

    /** Opens an admin session in vhost "/" delivering to {@code sink}. */
    public Session session(DeliverySink sink) {
        return session("/", sink);
    }

    public Session session(String vhost, DeliverySink sink) {
        return broker.open(vhost, new ClientInfo(broker.newConnectionId(), "test", null, "test", null),
                ADMIN, PASSWORD, sink).join();
    }

    /** Opens a session in vhost "/" as {@code user}, connecting from {@code remote} (null: in-process). */
    public CompletableFuture<Session> open(String user, String password, SocketAddress remote, DeliverySink sink) {
        return broker.open("/", new ClientInfo(broker.newConnectionId(), "test", remote, "test", null),
                user, password, sink);
    }

    /** Opens a session in vhost "/" as {@code user}, from in-process; fails the test if refused. */
    public Session session(String user, String password, DeliverySink sink) {
        return open(user, password, null, sink).join();
    }

    /** The default virtual host "/". */
    public VirtualHost vhost() {
        return broker.vhost("/");
    }

    /** A queue of vhost "/"; null if there is none by that name. */
    public Queue queue(String name) {
        return vhost().queue(name);
    }

    /** Exact counters of a queue of vhost "/", which must exist. */
    public QueueStats stats(String queueName) {
        Queue q = queue(queueName);
        if (q == null) {
            throw new AssertionError("no queue '" + queueName + "' in vhost '/'");
        }
        return q.exactStats().join();
    }

    /** Runs every timer that falls due, without moving time (tasks scheduled with no delay). */
    public void runDueTimers() {
        scheduler.advance(0);
    }

    /** A durable text message. */
    public static Message text(String body) {
        return message(body).build();
    }

    /** A builder for a durable text message, to add priority, group, expiry and properties to. */
    public static Message.Builder message(String body) {
        return Message.builder().durable(true).body(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A broker over the same storage as this one, as after a restart. */
    public TestBroker restart(Builder b) {
        broker.close();
        return b.storage(storage).build();
    }

    @Override
    public void close() {
        broker.close();
    }

    public static final class Builder {
        private Storage storage = new InMemoryStorage();
        private SecurityRealm realm = adminRealm();
        private final List<AddressPolicy> policies = new ArrayList<>();
        private long memoryLimit;
        private io.ferrymq.core.paging.PagingService paging;
        private long startMillis = 1_000_000L;
        private io.ferrymq.core.security.ClientLimits limits;

        public Builder storage(Storage s) { this.storage = s; return this; }
        public Builder realm(SecurityRealm r) { this.realm = r; return this; }
        public Builder policy(AddressPolicy p) { this.policies.add(p); return this; }
        public Builder memoryLimit(long bytes) { this.memoryLimit = bytes; return this; }
        public Builder paging(io.ferrymq.core.paging.PagingService p) { this.paging = p; return this; }
        public Builder limits(io.ferrymq.core.security.ClientLimits l) { this.limits = l; return this; }
        /** Where the manual clock starts (a restart that happens later than the previous run). */
        public Builder startingAt(long millis) { this.startMillis = millis; return this; }

        public TestBroker build() {
            return new TestBroker(this);
        }
    }
}
