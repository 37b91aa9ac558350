package io.ferrymq.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The handshake (request header) and idle deadlines of one HTTP connection, whichever protocol installed the
 * HTTP codec. Two handlers share this state: one in front of the codec sees the first raw byte of each request,
 * one behind it sees each request header, request end and response end.
 *
 * <ul>
 *   <li>From the connection's start, and from the first byte of each later request, the request header has
 *       {@link ListenerLimits#handshakeTimeout()} to arrive in full; a connection that sent part of one is
 *       answered 408 and closed, one that sent nothing is closed.</li>
 *   <li>Between requests, and while a request body arrives, the connection may be silent for
 *       {@link ListenerLimits#idleTimeout()}. While the broker works on a request (an SQS long poll) no
 *       deadline runs: the wait is the broker's, not the client's.</li>
 * </ul>
 */
final class HttpDeadlines {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDeadlines.class);
    static final String BYTES = "http-deadline-bytes";
    static final String MESSAGES = "http-deadline-messages";
    private static final byte[] REQUEST_TIMEOUT = response("408 Request Timeout",
            "The request header did not arrive in time.\n");

    private final ConnectionContext context;
    private final long headerNanos;
    private final long idleNanos;

    private ChannelHandlerContext raw;
    /** Bytes of a request header are expected or arriving. */
    private boolean headerPending = true;
    private boolean headerStarted;
    private long headerSince = System.nanoTime();
    /** A request header arrived but not yet the end of its body. */
    private boolean bodyPending;
    /** Requests whose final response has not been written yet. */
    private int unanswered;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> timer;
    private boolean expired;

    private HttpDeadlines(ConnectionContext context, ListenerLimits limits) {
        this.context = context;
        this.headerNanos = limits.handshakeTimeout().toNanos();
        this.idleNanos = limits.idleTimeout().toNanos();
    }

    /** A complete HTTP/1.1 response that closes the connection, as raw bytes for where no codec is at hand. */
    static byte[] response(String status, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 " + status + "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Puts the deadlines around the HTTP codec a protocol (or the WebSocket listener) installed, if any. */
    static void attach(ChannelPipeline p, ConnectionContext context, ListenerLimits limits) {
        ChannelHandlerContext codec = p.context(HttpServerCodec.class);
        if (codec == null) {
            return;
        }
        HttpDeadlines d = new HttpDeadlines(context, limits);
        p.addBefore(codec.name(), BYTES, d.new Bytes());
        p.addAfter(codec.name(), MESSAGES, d.new Messages());
    }

    /** Removes them, once the connection has stopped speaking HTTP (a completed WebSocket upgrade). */
    static void detach(ChannelPipeline p) {
        if (p.get(BYTES) != null) {
            p.remove(BYTES);
        }
        if (p.get(MESSAGES) != null) {
            p.remove(MESSAGES);
        }
    }

    private void schedule() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        long deadline = deadline();
        if (deadline != Long.MAX_VALUE && raw != null) {
            timer = raw.executor().schedule(this::check, Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        }
    }

    private long deadline() {
        if (headerPending) {
            return headerSince + headerNanos;
        }
        if ((bodyPending || unanswered == 0) && idleNanos > 0) {
            return lastActivity + idleNanos;
        }
        return Long.MAX_VALUE;
    }

    private void check() {
        timer = null;
        if (expired || !raw.channel().isActive()) {
            return;
        }
        if (System.nanoTime() - deadline() < 0) {
            schedule(); // activity since the timer was set: wait for the rest
            return;
        }
        expired = true;
        if (headerPending) {
            LOG.info("Closing HTTP connection from {} on listener '{}': no complete request header within {} ms",
                    raw.channel().remoteAddress(), context.listener(), TimeUnit.NANOSECONDS.toMillis(headerNanos));
            if (headerStarted && unanswered == 0) {
                raw.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        } else if (bodyPending) {
            LOG.info("Closing HTTP connection from {} on listener '{}': its request body stalled for {} ms",
                    raw.channel().remoteAddress(), context.listener(), TimeUnit.NANOSECONDS.toMillis(idleNanos));
        } else {
            LOG.debug("Closing HTTP connection from {} on listener '{}': idle for {} ms",
                    raw.channel().remoteAddress(), context.listener(), TimeUnit.NANOSECONDS.toMillis(idleNanos));
        }
        raw.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** In front of the codec: raw bytes, so the first byte of a request starts its header deadline. */
    private final class Bytes extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            raw = ctx;
            schedule();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            cancel();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && buf.isReadable()) {
                lastActivity = System.nanoTime();
                if (!headerPending && !bodyPending && !onlyLineEnds(buf)) {
                    // Bytes outside a request header or body begin the next request.
                    headerPending = true;
                    headerStarted = true;
                    headerSince = lastActivity;
                    schedule();
                } else if (headerPending) {
                    headerStarted = true;
                }
            }
            ctx.fireChannelRead(msg);
        }

        /** Stray CRLFs between requests are allowed (RFC 9112 section 2.2) and start no request. */
        private boolean onlyLineEnds(ByteBuf buf) {
            return buf.forEachByte(b -> b == '\r' || b == '\n') < 0;
        }
    }

    /** Behind the codec: request headers and ends, and final responses. */
    private final class Messages extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                headerPending = false;
                headerStarted = false;
                bodyPending = true;
                unanswered++;
            }
            if (msg instanceof LastHttpContent) {
                bodyPending = false;
            }
            if (msg instanceof HttpRequest || msg instanceof LastHttpContent) {
                lastActivity = System.nanoTime();
                schedule();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL
                    && !r.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS);
            if (msg instanceof LastHttpContent && !interim) {
                ChannelPromise p = promise.unvoid();
                p.addListener(f -> {
                    unanswered = Math.max(0, unanswered - 1);
                    lastActivity = System.nanoTime();
                    schedule();
                });
                ctx.write(msg, p);
                return;
            }
            ctx.write(msg, promise);
        }
    }
}
