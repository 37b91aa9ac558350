package io.ferrymq.management;

import io.ferrymq.core.api.Broker;
import io.ferrymq.management.api.ApiRoutes;
import io.ferrymq.management.http.ManagementHttpHandler;
import io.ferrymq.management.metrics.BrokerMetrics;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ConnectionDirectory;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The management HTTP API (RabbitMQ's paths and JSON shapes), the web console and the Prometheus metrics on
 * one HTTP/1.1 listener, port 8161 by default. It is served like a protocol (a listener names it) but speaks
 * for the operator: it reads the broker through {@link io.ferrymq.core.api.Operator} and acts through
 * sessions of the calling user, so the broker's own permissions apply to what it changes.
 */
public final class ManagementProtocol implements ProtocolModule, ConnectionDirectory.User, AutoCloseable {

    public static final String NAME = "management";
    private static final List<byte[]> METHODS = List.of("GET ", "PUT ", "POST ", "DELETE ", "HEAD ", "OPTIONS ")
            .stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList();

    private final ManagementSettings settings;
    private final BrokerMetrics metrics;
    private final ApiRoutes routes;

    public ManagementProtocol(Broker broker, ManagementSettings settings) {
        this.settings = settings;
        this.metrics = new BrokerMetrics(broker.operator());
        this.routes = new ApiRoutes(broker, metrics, settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void connections(ConnectionDirectory directory) {
        routes.connections(directory);
    }

    @Override
    public Detection detect(ByteBuf in) {
        int available = in.readableBytes();
        boolean partial = false;
        for (byte[] m : METHODS) {
            int n = Math.min(available, m.length);
            boolean same = true;
            for (int i = 0; i < n && same; i++) {
                same = in.getByte(in.readerIndex() + i) == m[i];
            }
            if (same) {
                if (available >= m.length) {
                    return Detection.MATCH;
                }
                partial = true;
            }
        }
        return partial ? Detection.NEED_MORE : Detection.NO_MATCH;
    }

    @Override
    public Set<String> websocketSubprotocols() {
        return Set.of();
    }

    @Override
    public void initChannel(Channel channel, ConnectionContext context) {
        channel.pipeline().addLast("management-http-codec", new HttpServerCodec(8192, 64 * 1024, 64 * 1024));
        channel.pipeline().addLast("management-http-continue", new HttpServerExpectContinueHandler());
        channel.pipeline().addLast("management-http-aggregator", new HttpObjectAggregator(settings.maxRequestBytes()));
        channel.pipeline().addLast("management", new ManagementHttpHandler(routes, context.listener()));
    }

    @Override
    public void close() {
        metrics.close();
    }
}
