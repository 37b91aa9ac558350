package io.ferrymq.transport.testing;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.journal.JournalOptions;
import io.ferrymq.core.paging.PagingService;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.storage.InMemoryStorage;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.NettyServer;
import io.ferrymq.transport.ProtocolModule;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A real broker for protocol tests: worker threads, Netty, the protocols under test on free loopback
 * ports. Users: {@code guest/guest} (loopback only, everything), {@code admin/secret} (everything) and
 * {@code limited/secret} (send, consume and create only on names under {@code allowed.}, and on topics
 * matching it). With {@link Builder#durable(Path)} it runs on a journal with paging, and a broker
 * started again on the same directory recovers it.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Broker broker;
    private final NettyServer server;
    private final PagingService paging;
    private final Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();

    private EmbeddedBroker(Builder b) {
        Storage storage = new InMemoryStorage();
        PagingService pages = null;
        io.ferrymq.core.stream.StreamStoreOptions streams = null;
        if (b.dataDir != null) {
            streams = io.ferrymq.core.stream.StreamStoreOptions.in(b.dataDir.resolve("streams"));
            storage = Journal.open(JournalOptions.defaults(b.dataDir.resolve("journal")).withSegmentSize(4 * 1024 * 1024));
            pages = new PagingService(b.dataDir.resolve("paging"), 4 * 1024 * 1024);
        }
        storage = b.storageView.apply(storage);
        this.paging = pages;
        broker = Broker.start(new BrokerOptions(BrokerRuntime.threaded(2).withClock(b.clock), storage, b.realm, new PolicyTable(b.policies),
                b.memoryLimit, 30_000, List.of("/", "other"), pages, streams, b.limits));
        List<ProtocolModule> modules = new ArrayList<>();
        for (Function<Broker, ProtocolModule> f : b.protocols) {
            modules.add(f.apply(broker));
        }
        server = new NettyServer(2, modules);
        server.limitReadRate(broker.publishBytesPerSecond());
        for (ListenerConfig l : b.listeners) {
            listeners.put(l.name(), server.bind(l));
        }
    }

    /** The users and permissions every protocol test relies on. */
    public static ConfiguredRealm realm() {
        List<UserAccount> users = List.of(
                new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("admins"), true),
                new UserAccount("admin", PasswordHash.create("secret", 1000), Set.of("admins"), false),
                new UserAccount("limited", PasswordHash.create("secret", 1000), Set.of("limited"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"), Set.of()),
                new PermissionRule("*", NamePattern.of("allowed.#"), EnumSet.of(Permission.SEND, Permission.CONSUME,
                        Permission.CREATE), Set.of("limited"), Set.of()));
        return new ConfiguredRealm(users, rules, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Broker broker() {
        return broker;
    }

    /** The bound port of a listener. */
    public int port(String listener) {
        InetSocketAddress a = listeners.get(listener);
        if (a == null) {
            throw new IllegalArgumentException("no listener '" + listener + "'; have " + listeners.keySet());
        }
        return a.getPort();
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(2));
        broker.close();
    }

    public static final class Builder {
        private final List<Function<Broker, ProtocolModule>> protocols = new ArrayList<>();
        private final List<ListenerConfig> listeners = new ArrayList<>();
        private final List<AddressPolicy> policies = new ArrayList<>();
        private SecurityRealm realm = EmbeddedBroker.realm();
        private long memoryLimit;
        private Path dataDir;
        private Clock clock = Clock.SYSTEM;
        private UnaryOperator<Storage> storageView = s -> s;
        private io.ferrymq.core.security.ClientLimits limits;

        /** A protocol module, built once the broker exists. */
        public Builder protocol(Function<Broker, ProtocolModule> module) {
            protocols.add(module);
            return this;
        }

        /** A TCP listener on a free port serving the named protocols. */
        public Builder tcp(String name, String... protocolNames) {
            listeners.add(ListenerConfig.tcp(name, "127.0.0.1", 0, protocolNames));
            return this;
        }

        /** A WebSocket listener on a free port serving the named protocols. */
        public Builder websocket(String name, String... protocolNames) {
            listeners.add(ListenerConfig.websocket(name, "127.0.0.1", 0, protocolNames));
            return this;
        }

        public Builder listener(ListenerConfig config) {
            listeners.add(config);
            return this;
        }

        public Builder policy(AddressPolicy p) {
            policies.add(p);
            return this;
        }

        public Builder memoryLimit(long bytes) {
            this.memoryLimit = bytes;
            return this;
        }

        /** Journal and page files in this directory instead of memory. */
        public Builder durable(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Puts {@code view} between the broker and its storage (tests that watch what is stored). */
        public Builder storageView(UnaryOperator<Storage> view) {
            this.storageView = view;
            return this;
        }

        /** Users and permissions other than {@link EmbeddedBroker#realm()}'s. */
        public Builder realm(SecurityRealm r) {
            this.realm = r;
            return this;
        }

        /** The broker's clock (message timestamps, TTLs, delays); timers still run in real time. */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** Limits against abuse other than the defaults. */
        public Builder limits(io.ferrymq.core.security.ClientLimits l) {
            this.limits = l;
            return this;
        }

        public EmbeddedBroker start() {
            return new EmbeddedBroker(this);
        }
    }
}
