package io.ferrymq.transport;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts one listener's open connections per remote IP address and says whether a new one may stay. A source
 * that reaches the limit is logged once until it drops below it again, so a flood costs one line, not one per
 * refused connection.
 */
final class SourceLimit {

    private static final Logger LOG = LoggerFactory.getLogger(SourceLimit.class);

    private final String listener;
    private final int max;
    private final ConcurrentMap<InetAddress, Source> sources = new ConcurrentHashMap<>();

    private static final class Source {
        int open;
        boolean reported;
    }

    SourceLimit(String listener, int max) {
        this.listener = listener;
        this.max = max;
    }

    /**
     * Counts the connection in (and out again when it closes).
     *
     * @return false when its source already holds the maximum: the caller refuses it
     */
    boolean admit(Channel ch) {
        InetAddress address = addressOf(ch.remoteAddress());
        if (max <= 0 || address == null) {
            return true;
        }
        boolean[] admitted = new boolean[1];
        boolean[] report = new boolean[1];
        sources.compute(address, (a, s) -> {
            Source src = s == null ? new Source() : s;
            if (src.open < max) {
                src.open++;
                admitted[0] = true;
            } else if (!src.reported) {
                src.reported = true;
                report[0] = true;
            }
            return src;
        });
        if (report[0]) {
            LOG.warn("Listener '{}': refusing further connections from {}: it holds {} already"
                    + " (max-connections-per-source); logged once until it has fewer", listener,
                    address.getHostAddress(), max);
        }
        if (admitted[0]) {
            ch.closeFuture().addListener(f -> release(address));
        }
        return admitted[0];
    }

    private void release(InetAddress address) {
        sources.computeIfPresent(address, (a, s) -> {
            s.open--;
            s.reported = false;
            return s.open == 0 ? null : s;
        });
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
