package io.ferrymq.server;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.journal.Replicator;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.storage.Storage;
import io.ferrymq.server.bridge.StreamBridge;
import io.ferrymq.server.bridge.StreamBridges;
import io.ferrymq.server.config.ByteSize;
import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.DurationText;
import io.ferrymq.server.config.FerryConfig;
import io.ferrymq.server.config.LimitsBuilder;
import io.ferrymq.server.config.PolicyBuilder;
import io.ferrymq.server.config.ProtocolBuilder;
import io.ferrymq.server.config.RealmBuilder;
import io.ferrymq.server.config.StorageBuilder;
import io.ferrymq.server.config.TlsBuilder;
import io.ferrymq.transport.BrokerVersion;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.ListenerLimits;
import io.ferrymq.transport.NettyServer;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.tls.ReloadingSslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A running broker process: the core, its protocol modules and its listeners, built from configuration. */
public final class FerryServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FerryServer.class);

    private final Broker broker;
    private final Storage storage;
    private final NettyServer transport;
    private final List<ProtocolModule> protocols;
    private List<StreamBridge> bridges = List.of();
    private final Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
    private final List<StartupSummary.Bound> bound = new ArrayList<>();
    private final long shutdownGraceMillis;

    private FerryServer(Broker broker, Storage storage, NettyServer transport, List<ProtocolModule> protocols,
                        long shutdownGraceMillis) {
        this.broker = broker;
        this.storage = storage;
        this.transport = transport;
        this.protocols = protocols;
        this.shutdownGraceMillis = shutdownGraceMillis;
    }

    /**
     * Starts everything the configuration describes; on any failure what was started is stopped again.
     *
     * @throws ConfigException for settings the broker cannot run with
     */
    public static FerryServer start(FerryConfig config) {
        return start(config, null);
    }

    /**
     * Starts as {@link #start(FerryConfig)} does, with a replicator on the journal (an HA pair's active).
     *
     * @param replicator receives every journal entry; null for none
     */
    public static FerryServer start(FerryConfig config, Replicator replicator) {
        return start(config, replicator, true);
    }

    /**
     * As above; {@code announce} false leaves out the block that tells users where to connect (an HA standby's
     * warm-up run on throwaway ports is not a broker anyone should connect to).
     */
    static FerryServer start(FerryConfig config, Replicator replicator, boolean announce) {
        int cores = Runtime.getRuntime().availableProcessors();
        FerryConfig.Broker b = config.broker();
        int workers = positiveOr(b.workerThreads(), cores, "broker.worker-threads");
        int io = positiveOr(b.ioThreads(), cores, "broker.io-threads");
        long memory = ByteSize.parse(b.memoryLimit(), "broker.memory-limit");
        long scan = DurationText.millis(b.expiryScanInterval(), "broker.expiry-scan-interval");
        long grace = DurationText.millis(b.shutdownGrace(), "broker.shutdown-grace");
        if (scan <= 0) {
            throw new ConfigException("broker.expiry-scan-interval must be positive");
        }
        io.ferrymq.core.security.ConfiguredRealm realm = RealmBuilder.build(config.security());
        PolicyTable policies = new PolicyTable(PolicyBuilder.build(config.policies()));
        StorageBuilder.Built storage = StorageBuilder.build(config.storage(), replicator);
        Broker broker;
        try {
            broker = Broker.start(new BrokerOptions(BrokerRuntime.threaded(workers), storage.storage(), realm, policies,
                    memory, scan, config.vhosts(), storage.paging(), storage.streams(),
                    LimitsBuilder.build(config.limits())));
        } catch (BrokerException e) {
            storage.closeAll();
            if (e.code() == ErrorCode.DISK_FULL) {
                // Not a bug but a disk too small for the settings: said in one line, without a stack trace.
                throw new ConfigException("storage: " + e.getMessage(), e);
            }
            throw e;
        } catch (RuntimeException e) {
            storage.closeAll();
            throw e;
        }
        if (replicator instanceof io.ferrymq.core.api.ClusterStatus pair) {
            // An HA pair's active: the management API and /metrics show the pair and the standby's lag.
            broker.reportClusterStatus(pair);
        }
        NettyServer transport = null;
        List<ProtocolModule> protocols = List.of();
        try {
            protocols = ProtocolBuilder.build(broker, config);
            transport = new NettyServer(io, protocols);
            transport.limitReadRate(broker.publishBytesPerSecond());
            FerryServer server = new FerryServer(broker, storage.storage(), transport, protocols, grace);
            // Before the listeners: the first message a client publishes already finds the bridge's binding.
            server.bridges = StreamBridges.start(broker, config.streamBridges());
            server.bindAll(config.listeners(), config.tls());
            LOG.info("FerryMQ {} started: {} listener(s), {} vhost(s), memory limit {} MiB", version(),
                    server.listeners.size(), broker.vhosts().size(), memory / (1024 * 1024));
            if (announce) {
                LOG.info("{}", StartupSummary.text(config, server.bound));
            }
            return server;
        } catch (RuntimeException e) {
            if (transport != null) {
                transport.close(Duration.ZERO);
            }
            ProtocolBuilder.close(protocols);
            broker.close();
            throw e;
        }
    }

    private void bindAll(List<FerryConfig.Listener> configured, FerryConfig.Tls tls) {
        ReloadingSslContext ssl = null;
        if (configured == null || configured.isEmpty()) {
            throw new ConfigException("listeners: at least one listener is needed");
        }
        Set<String> names = new HashSet<>();
        for (FerryConfig.Listener l : configured) {
            if (l.name() == null || !names.add(l.name())) {
                throw new ConfigException("listeners: every listener needs a unique name (got '" + l.name() + "')");
            }
            if (l.port() == null) {
                throw new ConfigException("listeners." + l.name() + ".port is missing");
            }
            if (l.protocols() == null || l.protocols().isEmpty()) {
                throw new ConfigException("listeners." + l.name() + ".protocols is empty");
            }
            TlsBuilder.Mode mode = TlsBuilder.Mode.of(l.tls(), l.name());
            if (mode == TlsBuilder.Mode.AUTO && (tls == null || !tls.configured()) && !l.ownCertificate()) {
                LOG.debug("Listener '{}' is not opened: it serves TLS and no certificate is configured", l.name());
                continue;
            }
            ReloadingSslContext listenerSsl = null;
            if (mode != TlsBuilder.Mode.OFF && l.ownCertificate()) {
                FerryConfig.Tls base = tls == null ? new FerryConfig.Tls(null, null, null, null, null, null, null, null,
                        null, null, null, null) : tls;
                try {
                    listenerSsl = ReloadingSslContext.open(TlsBuilder.settings(base.withCertificate(l.tlsCertificate(),
                            l.tlsKey())));
                } catch (IllegalArgumentException | ConfigException e) {
                    throw new ConfigException("listeners." + l.name() + ".tls-certificate: " + e.getMessage(), e);
                }
                LOG.info("Listener '{}': TLS certificate of its own loaded ({} engine)", l.name(), listenerSsl.provider());
            } else if (mode != TlsBuilder.Mode.OFF && ssl == null) {
                try {
                    ssl = ReloadingSslContext.open(TlsBuilder.settings(tls));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("tls: " + e.getMessage(), e);
                }
                LOG.info("TLS certificate loaded ({} engine)", ssl.provider());
            }
            ListenerConfig lc;
            try {
                lc = new ListenerConfig(l.name(), l.host(), l.port(), l.protocols(), Boolean.TRUE.equals(l.websocket()),
                        l.websocketPath(), null, l.maxFrameSize() == null ? 0
                        : (int) Math.min(Integer.MAX_VALUE, ByteSize.parse(l.maxFrameSize(),
                        "listeners." + l.name() + ".max-frame-size")), limits(l));
                ReloadingSslContext context = listenerSsl != null ? listenerSsl : ssl;
                if (mode == TlsBuilder.Mode.OPTIONAL) {
                    lc = lc.withOptionalSsl(context);
                } else if (mode != TlsBuilder.Mode.OFF) {
                    lc = lc.withSsl(context);
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException("listeners." + l.name() + ": " + e.getMessage());
            }
            try {
                InetSocketAddress bound = transport.bind(lc);
                listeners.put(l.name(), bound);
                this.bound.add(new StartupSummary.Bound(l.name(), l.protocols(), bound, lc.websocket(),
                        lc.ssl() == null ? "" : lc.tlsOptional() ? "TLS or plaintext" : "TLS"));
                LOG.info("Listener '{}': {} on {}:{}{}{}", l.name(), String.join(", ", l.protocols()),
                        bound.getHostString(), bound.getPort(), lc.websocket() ? " (WebSocket)" : "",
                        lc.ssl() == null ? "" : lc.tlsOptional() ? " (TLS or plaintext)" : " (TLS)");
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new ConfigException(e.getMessage(), e);
            }
        }
    }

    private static ListenerLimits limits(FerryConfig.Listener l) {
        String at = "listeners." + l.name() + ".";
        return new ListenerLimits(
                l.handshakeTimeout() == null ? null
                        : Duration.ofMillis(DurationText.millis(l.handshakeTimeout(), at + "handshake-timeout")),
                l.idleTimeout() == null ? null
                        : Duration.ofMillis(DurationText.millis(l.idleTimeout(), at + "idle-timeout")),
                l.maxConnectionsPerSource());
    }

    private static int positiveOr(Integer v, int fallback, String setting) {
        if (v == null || v == 0) {
            return fallback;
        }
        if (v < 0) {
            throw new ConfigException(setting + " must not be negative (0 means one per core)");
        }
        return v;
    }

    static String version() {
        return BrokerVersion.text();
    }

    public Broker broker() {
        return broker;
    }

    /** Where the broker's durable state goes (the journal, unless storage.type is memory). */
    public Storage storage() {
        return storage;
    }

    /** Bound addresses by listener name (the real ports when 0 was configured). */
    public Map<String, InetSocketAddress> listeners() {
        return Map.copyOf(listeners);
    }

    /** Closes connections (each protocol says goodbye in its own terms), then the broker. */
    @Override
    public void close() {
        LOG.info("FerryMQ stopping");
        transport.close(Duration.ofMillis(shutdownGraceMillis));
        StreamBridges.close(bridges);
        ProtocolBuilder.close(protocols);
        broker.close();
    }
}
