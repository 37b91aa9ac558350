package io.ferrymq.transport;

import io.ferrymq.transport.tls.TlsHandshakeWatch;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The broker's listening sockets. One boss thread accepts; {@code ioThreads} event loops (one per core
 * by default) carry every connection's I/O and protocol work.
 */
public final class NettyServer implements AutoCloseable {

    /** At most this many flushes are held back before one goes to the socket. */
    private static final int FLUSHES_PER_WRITE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);
    private static final byte[] HTTP_REQUEST_LINE = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration REFUSAL_LINGER = Duration.ofSeconds(5);
    private static final byte[] TOO_MANY_CONNECTIONS = HttpDeadlines.response("503 Service Unavailable",
            "Too many connections from your address; close some or try again later.\n");

    private final Map<String, ProtocolModule> protocols;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ConnectionBalancer balancer = new ConnectionBalancer();
    private final ChannelGroup listeners = new DefaultChannelGroup("listeners", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup connections = new DefaultChannelGroup("connections", GlobalEventExecutor.INSTANCE);
    private final Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    private volatile boolean closed;
    private volatile long readBytesPerSecond;

    public NettyServer(int ioThreads, List<ProtocolModule> protocols) {
        this.protocols = protocols.stream().collect(Collectors.toMap(ProtocolModule::name, p -> p, (a, b) -> a,
                LinkedHashMap::new));
        this.boss = EventLoops.group(1, "ferrymq-accept");
        this.workers = EventLoops.group(ioThreads, "ferrymq-io", balancer);
        ConnectionDirectory directory = new ConnectionDirectory(connections, this::boundListeners);
        for (ProtocolModule p : protocols) {
            if (p instanceof ConnectionDirectory.User u) {
                u.connections(directory);
            }
        }
        LOG.debug("Transport uses {} I/O threads ({})", ioThreads, EventLoops.nativeAvailable() ? "epoll" : "nio");
    }

    /**
     * Reads at most this many bytes per second from each connection accepted from now on
     * ({@code limits.publish-bytes-per-second}, {@code Broker.publishBytesPerSecond()}): a faster client is not
     * read from for a while, so TCP slows it down. 0 for no limit.
     */
    public void limitReadRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("the read rate must be 0 (no limit) or more, was " + bytesPerSecond);
        }
        this.readBytesPerSecond = bytesPerSecond;
    }

    /**
     * Opens a listener.
     *
     * @return the bound address (the real port when 0 was asked for)
     * @throws IllegalStateException when the port cannot be bound, saying which and why
     */
    public synchronized InetSocketAddress bind(ListenerConfig config) {
        List<ProtocolModule> served = new ArrayList<>();
        for (String name : config.protocols()) {
            ProtocolModule p = protocols.get(name);
            if (p == null) {
                throw new IllegalArgumentException("listener '" + config.name() + "' names protocol '" + name
                        + "', which this broker does not have; available: " + protocols.keySet());
            }
            served.add(p);
        }
        ConnectionContext context = new ConnectionContext(config.name(), config.kind(), label(config.kind()));
        boolean http = config.websocket() || (served.size() == 1 && speaksHttp(served.get(0)));
        SourceLimit sources = new SourceLimit(config.name(), config.limits().perSourceLimit(http));
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        balancer.track(ch);
                        if (sources.admit(ch)) {
                            setUp(ch, config, served, context);
                        } else {
                            refuse(ch, config, http);
                        }
                    }
                });
        ChannelFuture f = b.bind(config.host(), config.port()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            String why = cause instanceof BindException ? "the address is in use or not available here"
                    : String.valueOf(cause);
            throw new IllegalStateException("listener '" + config.name() + "' cannot bind " + config.host() + ":"
                    + config.port() + ": " + why, cause);
        }
        listeners.add(f.channel());
        InetSocketAddress address = (InetSocketAddress) f.channel().localAddress();
        bound.put(config.name(), address);
        return address;
    }

    private void setUp(Channel ch, ListenerConfig config, List<ProtocolModule> served, ConnectionContext context) {
        ChannelPipeline p = ch.pipeline();
        long rate = readBytesPerSecond;
        if (rate > 0) {
            p.addLast("read-rate", new ReadRateLimit(rate, config.name()));
        }
        if (config.ssl() != null && !config.tlsOptional()) {
            p.addLast("tls", config.ssl().newHandler(ch.alloc()));
            p.addLast("tls-watch", new TlsHandshakeWatch(config.name(), TlsSniffer.rules(config.ssl())));
        }
        // Receipts, acks and deliveries finish in many small tasks, each ending in a flush: coalesced into
        // one write to the socket (and one TLS record) per batch instead of one system call per frame.
        p.addLast("flush-consolidation", new FlushConsolidationHandler(FLUSHES_PER_WRITE, true));
        if (config.websocket()) {
            p.addLast(new HttpServerCodec());
            p.addLast(new HttpObjectAggregator(64 * 1024));
            List<String> subprotocols = served.stream().flatMap(m -> m.websocketSubprotocols().stream()).sorted().toList();
            p.addLast(new PlainHttpRefusal(subprotocols));
            p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(config.websocketPath())
                    .checkStartsWith(true)
                    .subprotocols(String.join(",", subprotocols))
                    .maxFramePayloadLength(config.maxFrameBytes())
                    .handleCloseFrames(true)
                    // WebSocketFaults answers framing errors, after the protocol has had its say.
                    .closeOnProtocolViolation(false)
                    .build()));
            p.addLast(new WebSocketProtocolSelector(served, context, config.maxFrameBytes(),
                    config.limits().idleTimeout()));
            HttpDeadlines.attach(p, context, config.limits());
        } else if (served.size() == 1) {
            served.get(0).initChannel(ch, context);
            HttpDeadlines.attach(p, context, config.limits());
        } else if (config.tlsOptional()) {
            p.addLast(new TlsSniffer(config.ssl(), served,
                    new ConnectionContext(config.name(), ConnectionContext.Kind.TCP, label(ConnectionContext.Kind.TCP)),
                    context, config.limits().handshakeTimeout()));
        } else {
            p.addLast(new ProtocolSniffer(served, context));
        }
    }

    /** Turns away a connection over its source's limit: no protocol is set up for it. */
    private static void refuse(Channel ch, ListenerConfig config, boolean http) {
        if (config.ssl() != null && !config.tlsOptional()) {
            ch.pipeline().addLast("tls", config.ssl().newHandler(ch.alloc()));
            ch.pipeline().addLast("tls-watch", new TlsHandshakeWatch(config.name(), List.of()));
        }
        Duration linger = config.limits().handshakeTimeout().compareTo(REFUSAL_LINGER) < 0
                ? config.limits().handshakeTimeout() : REFUSAL_LINGER;
        ch.pipeline().addLast(new RefusedConnection(http ? TOO_MANY_CONNECTIONS : null, linger));
    }

    /** A protocol that recognises an HTTP request line as its own is served over HTTP (the AWS APIs). */
    private static boolean speaksHttp(ProtocolModule p) {
        return p.detect(Unpooled.wrappedBuffer(HTTP_REQUEST_LINE)) == ProtocolModule.Detection.MATCH;
    }

    private static String label(ConnectionContext.Kind kind) {
        return switch (kind) {
            case TCP -> "tcp";
            case TLS -> "tls";
            case WEBSOCKET -> "ws";
            case WEBSOCKET_TLS -> "wss";
        };
    }

    public synchronized Map<String, InetSocketAddress> boundListeners() {
        return Map.copyOf(bound);
    }

    public int openConnections() {
        return connections.size();
    }

    /**
     * Stops accepting, tells every connection the broker is going ({@link ShutdownNotice}), gives them
     * {@code grace} to finish, then closes what is left and stops the threads.
     */
    public void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        listeners.close().awaitUninterruptibly();
        if (!connections.isEmpty()) {
            LOG.info("Closing {} client connection(s)", connections.size());
            connections.forEach(ch -> ch.pipeline().fireUserEventTriggered(ShutdownNotice.INSTANCE));
            long deadline = System.nanoTime() + grace.toNanos();
            for (Channel ch : List.copyOf(connections)) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    ch.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS);
                }
            }
            connections.close().awaitUninterruptibly();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
