package io.ferrymq.transport;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts each new connection on the I/O event loop that carries the fewest open connections. Netty's default,
 * round robin, ignores closed connections: with a few busy clients (a producer and its consumer) both can land on
 * one loop while the other idles, depending on how many short-lived connections came before them.
 *
 * <p>A loop's count goes up when it is chosen, that is when the acceptor registers a connection on it, and down
 * when that connection closes ({@link #track}), so a burst of accepts spreads before any of them is set up.
 */
final class ConnectionBalancer implements EventExecutorChooserFactory {

    private final Map<EventExecutor, AtomicInteger> open = new IdentityHashMap<>();

    @Override
    public synchronized EventExecutorChooser newChooser(EventExecutor[] executors) {
        EventExecutor[] loops = executors.clone();
        AtomicInteger[] counts = new AtomicInteger[loops.length];
        for (int i = 0; i < loops.length; i++) {
            counts[i] = new AtomicInteger();
            open.put(loops[i], counts[i]);
        }
        AtomicInteger start = new AtomicInteger();
        return () -> {
            // Ties go round robin, so an idle broker still spreads its first connections.
            int first = Math.floorMod(start.getAndIncrement(), loops.length);
            int best = first;
            for (int k = 1; k < loops.length; k++) {
                int i = (first + k) % loops.length;
                if (counts[i].get() < counts[best].get()) {
                    best = i;
                }
            }
            counts[best].incrementAndGet();
            return loops[best];
        };
    }

    /** Counts the connection off its loop when it closes. */
    void track(Channel ch) {
        AtomicInteger count;
        synchronized (this) {
            count = open.get(ch.eventLoop());
        }
        if (count != null) {
            ch.closeFuture().addListener(f -> count.decrementAndGet());
        }
    }

    /** Open connections per loop, in no particular order (for tests and diagnostics). */
    synchronized int[] openPerLoop() {
        return open.values().stream().mapToInt(AtomicInteger::get).toArray();
    }
}
