package io.ferrymq.transport.testing;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.ProtocolModule;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real broker ({@link EmbeddedBroker}: worker threads, Netty, the protocols under test on free loopback
 * ports, its users) around each test, for every module's protocol tests:
 *
 * <pre>{@code
 * @RegisterExtension
 * final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
 *         .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
 *         .tcp("stomp", StompProtocol.NAME)
 *         .build();
 * ... new RawStompClient(broker.port("stomp")) ...
 * }</pre>
 *
 * On an instance field it starts before each test and stops after it; on a static field it serves the whole
 * class. A test that needs a broker of its own configuration starts one with {@link #start()} in a
 * try-with-resources. With {@link Builder#durable()} the broker keeps its journal and page files in a fresh
 * temporary directory, deleted when the broker stops; {@link #restart()} starts it again on the same files.
 * Protocol modules that are {@link AutoCloseable} are closed after the listeners, before the directory goes.
 */
public final class EmbeddedBrokerExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {

    private final List<Consumer<EmbeddedBroker.Builder>> configuration;
    private final List<Function<Broker, ProtocolModule>> protocols;
    private final boolean durable;
    private final List<ProtocolModule> modules = new ArrayList<>();
    private EmbeddedBroker embedded;
    private Path dataDir;
    private boolean perClass;

    private EmbeddedBrokerExtension(Builder b) {
        this.configuration = List.copyOf(b.configuration);
        this.protocols = List.copyOf(b.protocols);
        this.durable = b.durable;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    /** Starts the broker (the extension does this itself when registered); returns this, to close it. */
    public EmbeddedBrokerExtension start() {
        if (embedded != null) {
            throw new IllegalStateException("the broker is already running");
        }
        if (durable && dataDir == null) {
            try {
                dataDir = Files.createTempDirectory("ferrymq-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        launch();
        return this;
    }

    private void launch() {
        EmbeddedBroker.Builder b = EmbeddedBroker.builder();
        for (Function<Broker, ProtocolModule> p : protocols) {
            b.protocol(broker -> {
                ProtocolModule m = p.apply(broker);
                modules.add(m);
                return m;
            });
        }
        configuration.forEach(c -> c.accept(b));
        if (dataDir != null) {
            b.durable(dataDir);
        }
        embedded = b.start();
    }

    /** Stops the broker and starts it again on the same journal (a restart after a clean shutdown). */
    public void restart() {
        stop();
        launch();
    }

    /** The core broker, to prepare or check what a protocol test cannot see through its client. */
    public Broker broker() {
        return running().broker();
    }

    /** The bound port of a listener. */
    public int port(String listener) {
        return running().port(listener);
    }

    /** The started protocol module of this type (an adapter's own view, for example MQTT's session hub). */
    public <T extends ProtocolModule> T module(Class<T> type) {
        running();
        return modules.stream().filter(type::isInstance).map(type::cast).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no " + type.getSimpleName() + " among " + modules));
    }

    /** Where a durable broker keeps its files; null for one in memory. */
    public Path dataDir() {
        return dataDir;
    }

    private EmbeddedBroker running() {
        if (embedded == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return embedded;
    }

    private void stop() {
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
        } finally {
            embedded = null;
            for (ProtocolModule m : modules) {
                if (m instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("closing protocol module " + m.name() + " failed", e);
                    }
                }
            }
            modules.clear();
        }
    }

    /** Stops the broker and deletes its data directory. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            deleteDataDir();
        }
    }

    private void deleteDataDir() {
        if (dataDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            dataDir = null;
        }
    }

    /** What the broker serves and how; users default to {@link EmbeddedBroker#realm()}'s. */
    public static final class Builder {
        private final List<Consumer<EmbeddedBroker.Builder>> configuration = new ArrayList<>();
        private final List<Function<Broker, ProtocolModule>> protocols = new ArrayList<>();
        private boolean durable;

        /** A protocol module, built each time the broker starts. */
        public Builder protocol(Function<Broker, ProtocolModule> module) {
            protocols.add(module);
            return this;
        }

        /** A TCP listener on a free loopback port serving the named protocols. */
        public Builder tcp(String name, String... protocolNames) {
            configuration.add(b -> b.tcp(name, protocolNames));
            return this;
        }

        /** A WebSocket listener on a free loopback port serving the named protocols. */
        public Builder websocket(String name, String... protocolNames) {
            configuration.add(b -> b.websocket(name, protocolNames));
            return this;
        }

        public Builder listener(ListenerConfig config) {
            configuration.add(b -> b.listener(config));
            return this;
        }

        /** Users and permissions other than {@link EmbeddedBroker#realm()}'s. */
        public Builder realm(SecurityRealm realm) {
            configuration.add(b -> b.realm(realm));
            return this;
        }

        public Builder policy(AddressPolicy policy) {
            configuration.add(b -> b.policy(policy));
            return this;
        }

        public Builder memoryLimit(long bytes) {
            configuration.add(b -> b.memoryLimit(bytes));
            return this;
        }

        /** Journal and page files in a temporary directory of the broker's own, instead of memory. */
        public Builder durable() {
            this.durable = true;
            return this;
        }

        /** Puts {@code view} between the broker and its storage (tests that watch what is stored). */
        public Builder storageView(UnaryOperator<Storage> view) {
            configuration.add(b -> b.storageView(view));
            return this;
        }

        /** The broker's clock (message timestamps, TTLs, delays); timers still run in real time. */
        public Builder clock(Clock clock) {
            configuration.add(b -> b.clock(clock));
            return this;
        }

        /** Limits against abuse other than the defaults. */
        public Builder limits(io.ferrymq.core.security.ClientLimits limits) {
            configuration.add(b -> b.limits(limits));
            return this;
        }

        public EmbeddedBrokerExtension build() {
            return new EmbeddedBrokerExtension(this);
        }
    }
}
