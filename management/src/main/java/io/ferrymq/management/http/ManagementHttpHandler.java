package io.ferrymq.management.http;

import io.ferrymq.transport.IoErrors;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One HTTP connection of the management listener: turns each request into an {@link ApiRequest}, lets the
 * routes answer it (off the event loop where they wait) and writes the answer. A request the API refuses gets
 * RabbitMQ's error body and one log line; a failure of the broker's own is logged with its stack trace and
 * answered 500 without it.
 */
public final class ManagementHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementHttpHandler.class);

    /** What serves requests: the API, the console, the metrics. */
    public interface Routes {
        CompletableFuture<Reply> handle(ApiRequest request);
    }

    private final Routes routes;
    private final String listener;

    public ManagementHttpHandler(Routes routes, String listener) {
        this.routes = routes;
        this.listener = listener;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (!msg.decoderResult().isSuccess()) {
            LOG.info("Management listener '{}': malformed HTTP request from {}", listener, ctx.channel().remoteAddress());
            write(ctx, error(new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed HTTP request")),
                    false);
            return;
        }
        ApiRequest request;
        try {
            request = parse(ctx, msg);
        } catch (ApiException e) {
            write(ctx, error(e), keepAlive);
            return;
        }
        CompletableFuture<Reply> answer;
        try {
            answer = routes.handle(request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((reply, failure) -> {
            Reply out = failure == null ? reply : failed(request, failure);
            if (ctx.executor().inEventLoop()) {
                write(ctx, out, keepAlive);
            } else {
                ctx.executor().execute(() -> write(ctx, out, keepAlive));
            }
        });
    }

    private static ApiRequest parse(ChannelHandlerContext ctx, FullHttpRequest msg) {
        QueryStringDecoder decoder = new QueryStringDecoder(msg.uri());
        String rawPath = msg.uri();
        int q = rawPath.indexOf('?');
        if (q >= 0) {
            rawPath = rawPath.substring(0, q);
        }
        List<String> segments = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                try {
                    segments.add(QueryStringDecoder.decodeComponent(s));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("the path segment '" + s + "' is not valid percent-encoding");
                }
            }
        }
        Map<String, List<String>> query = decoder.parameters();
        return new ApiRequest(msg.method().name(), List.copyOf(segments), query, ByteBufUtil.getBytes(msg.content()),
                msg.headers().get(HttpHeaderNames.AUTHORIZATION), ctx.channel().remoteAddress(),
                msg.headers().get("X-Reason"));
    }

    private Reply failed(ApiRequest request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof io.ferrymq.core.errors.BrokerException b && b.code() != io.ferrymq.core.errors.ErrorCode.INTERNAL) {
            cause = ApiException.from(b);
        }
        if (cause instanceof ApiException e) {
            LOG.info("Management API {} /{} from {}: {} {}", request.method(), String.join("/", request.segments()),
                    request.remote(), e.status().code(), e.getMessage());
            return error(e);
        }
        LOG.error("Management API {} /{} failed", request.method(), String.join("/", request.segments()), cause);
        return error(new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "the broker failed to answer; its log has the details"));
    }

    private static Reply error(ApiException e) {
        return Reply.json(e.status(), Map.of("error", e.error(), "reason", String.valueOf(e.getMessage())));
    }

    private static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                Unpooled.wrappedBuffer(reply.body()));
        if (reply.contentType() != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (reply.status().code() == 401) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"FerryMQ Management\"");
        }
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!IoErrors.closeOnIoError(ctx, cause, LOG, "management connection " + ctx.channel().remoteAddress())) {
            LOG.error("Management connection from {} failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
