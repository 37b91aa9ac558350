package io.ferrymq.aws.http;

import io.ferrymq.aws.wire.EventStreamSink;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An event-stream answer on one HTTP exchange: the 200 head with the first message, each message as a body
 * part (an HTTP/2 DATA frame, or a chunk on HTTP/1.1), the end as the last part. Used on the event loop only.
 */
final class HttpEventStream implements EventStreamSink {

    static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";

    private final ChannelHandlerContext ctx;
    private final boolean cbor;
    private final String payloadType;
    private final String requestId;
    private final List<Runnable> onClose = new ArrayList<>();
    private boolean started;
    private boolean ended;

    HttpEventStream(ChannelHandlerContext ctx, boolean cbor, String payloadType, String requestId) {
        this.ctx = ctx;
        this.cbor = cbor;
        this.payloadType = payloadType;
        this.requestId = requestId;
        ctx.channel().closeFuture().addListener(f -> ctx.executor().execute(this::closed));
    }

    boolean started() {
        return started;
    }

    @Override
    public boolean cbor() {
        return cbor;
    }

    @Override
    public String payloadContentType() {
        return payloadType;
    }

    @Override
    public CompletionStage<Void> send(byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!open()) {
            done.complete(null);
            return done;
        }
        head();
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(message))).addListener(f -> {
            if (f.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(f.cause());
            }
        });
        return done;
    }

    private void head() {
        if (!started) {
            started = true;
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            head.headers().set("x-amzn-RequestId", requestId);
            ctx.write(head);
        }
    }

    @Override
    public void end() {
        if (ended) {
            return;
        }
        if (ctx.channel().isActive()) {
            head();
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        closed();
    }

    private void closed() {
        ended = true;
        List<Runnable> tasks = new ArrayList<>(onClose);
        onClose.clear();
        tasks.forEach(Runnable::run);
    }

    @Override
    public boolean open() {
        return !ended && ctx.channel().isActive();
    }

    @Override
    public void onClose(Runnable task) {
        if (ended) {
            task.run();
        } else {
            onClose.add(task);
        }
    }
}
