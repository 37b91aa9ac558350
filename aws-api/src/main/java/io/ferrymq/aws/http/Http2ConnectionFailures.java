package io.ferrymq.aws.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/2 connection: a client that breaks HTTP/2's framing has had its GOAWAY from the
 * codec by the time the failure arrives here; this logs one line (no stack trace: the client's mistake) and
 * closes the connection.
 */
public final class Http2ConnectionFailures extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ConnectionFailures.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("Closed the HTTP/2 connection from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
        ctx.close();
    }
}
