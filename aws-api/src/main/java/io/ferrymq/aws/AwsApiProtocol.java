package io.ferrymq.aws;

import io.ferrymq.aws.auth.Authenticator;
import io.ferrymq.aws.firehose.FirehoseService;
import io.ferrymq.aws.http.AwsHttpHandler;
import io.ferrymq.aws.internal.SystemSessions;
import io.ferrymq.aws.kinesis.KinesisService;
import io.ferrymq.aws.sns.SnsService;
import io.ferrymq.aws.sqs.SqsService;
import io.ferrymq.aws.wire.AwsService;
import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ConnectionContext;
import io.ferrymq.transport.ProtocolModule;
import io.netty.buffer.ByteBuf;
import io.ferrymq.aws.http.Http2ConnectionFailures;
import io.ferrymq.aws.http.HttpVersionSelector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The AWS-style HTTP APIs as a transport protocol: SQS (Query and JSON 1.0), SNS (Query), Kinesis Data
 * Streams (JSON 1.1 and CBOR) and Firehose (JSON 1.1) on one HTTP/1.1 and HTTP/2 (prior knowledge) port,
 * recognised by an HTTP request line or the HTTP/2 preface. An SQS queue is a core
 * queue (reached through the default exchange); an SNS topic is a fanout exchange whose subscriptions are
 * bindings; a Kinesis stream is a core stream.
 */
public final class AwsApiProtocol implements ProtocolModule, AutoCloseable {

    public static final String NAME = "aws";
    private static final List<byte[]> METHODS = List.of("POST ", "GET ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ",
                    "PRI * HTTP/2.0")
            .stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList();

    private final Broker broker;
    private final AwsApiSettings settings;
    private final Authenticator authenticator;
    private final SystemSessions system;
    private final SqsService sqs;
    private final SnsService sns;
    private final KinesisService kinesis;
    private final FirehoseService firehose;
    private final List<AwsService> services;

    public AwsApiProtocol(Broker broker, AwsApiSettings settings) {
        this.broker = broker;
        this.settings = settings;
        this.authenticator = new Authenticator(settings, broker::vouchedFor, Instant::now);
        this.system = new SystemSessions(broker);
        this.sns = new SnsService(broker, settings, system);
        this.sqs = new SqsService(broker, settings, system, sns.renderer());
        this.sns.attach(sqs.queues());
        this.kinesis = new KinesisService(broker, settings);
        this.firehose = new FirehoseService(broker, settings);
        this.services = List.of(sqs, sns, kinesis, firehose);
        sqs.start();
        sns.start();
        firehose.start();
    }

    public AwsApiSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
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
        // Kinesis PutRecords carries up to 5 MiB of records, base64-encoded in JSON: room for that at least.
        int maxContent = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(settings.maxMessageBytes() * 4 + 256 * 1024,
                KinesisService.MAX_REQUEST_BYTES));
        String listener = context.listener();
        channel.pipeline().addLast("aws-http-codec", new HttpServerCodec(8192, 64 * 1024, 64 * 1024));
        channel.pipeline().addLast("aws-http-continue", new HttpServerExpectContinueHandler());
        channel.pipeline().addLast("aws-http-aggregator", new HttpObjectAggregator(maxContent));
        channel.pipeline().addLast("aws", new AwsHttpHandler(broker, authenticator, services, listener));
        // The transport's request deadlines (http-deadline-*) wrap the HTTP/1.1 codec; HTTP/2 has no request header
        // to wait for, and they go with the codec.
        List<String> http1 = List.of("http-deadline-bytes", "aws-http-codec", "http-deadline-messages",
                "aws-http-continue", "aws-http-aggregator", "aws");
        channel.pipeline().addBefore("aws-http-codec", "aws-http-select", new HttpVersionSelector(http1, ctx -> {
            // HTTP/2 (Kinesis SubscribeToShard needs it; the SDK's async clients use it for every call): each
            // stream is one exchange, decoded to the same HTTP objects as on HTTP/1.1.
            ctx.pipeline().addAfter(ctx.name(), "aws-h2", Http2FrameCodecBuilder.forServer().build());
            ctx.pipeline().addAfter("aws-h2", "aws-h2-streams", new Http2MultiplexHandler(
                    new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                    new HttpObjectAggregator(maxContent),
                                    new AwsHttpHandler(broker, authenticator, services, listener));
                        }
                    }));
            ctx.pipeline().addAfter("aws-h2-streams", "aws-h2-failures", new Http2ConnectionFailures());
        }));
    }

    /** Stops SNS deliveries, Firehose deliveries (delivering what they buffer) and background tasks. */
    @Override
    public void close() {
        firehose.close();
        sns.close();
        system.close();
    }
}
