package io.ferrymq.transport;

import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;

import java.io.IOException;

/**
 * What a connection does when its socket fails under it (a reset, a broken pipe): nothing is left to tell
 * the client, and it is the client's doing or the network's, not the broker's, so one debug line without a
 * stack trace and a close. Anything else reaching {@code exceptionCaught} is the broker's own failure, which
 * the adapter logs with its stack trace and answers in its protocol's terms.
 */
public final class IoErrors {

    private IoErrors() {
    }

    /** Whether {@code cause} is the socket failing rather than the broker. */
    public static boolean isIoError(Throwable cause) {
        return cause instanceof IOException;
    }

    /**
     * If {@code cause} is the socket failing, logs it on one line and closes the connection.
     *
     * @param connection how the log names the connection ({@code STOMP connection 12})
     * @return whether it was, and is dealt with; if not, the adapter handles {@code cause} itself
     */
    public static boolean closeOnIoError(ChannelHandlerContext ctx, Throwable cause, Logger log, String connection) {
        if (!isIoError(cause)) {
            return false;
        }
        log.debug("{}: {}", connection, cause.toString());
        ctx.close();
        return true;
    }
}
