package io.ferrymq.transport;

import io.ferrymq.core.api.Broker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Slows password guessing: after {@value #FREE_FAILURES} failed logins from one IP address, each further login
 * from there (right or wrong, on any protocol) is answered only after a delay that doubles per failure, from
 * {@value #FIRST_DELAY_MILLIS} ms up to {@value #MAX_DELAY_MILLIS} ms. A successful login, or
 * {@value #FORGET_AFTER_MILLIS} ms without a failure, forgets the address. The delay is shorter than every
 * protocol's connect timeout, so a patient legitimate client still gets in. Loopback clients are not counted.
 */
final class LoginBackoff {

    static final int FREE_FAILURES = 3;
    static final long FIRST_DELAY_MILLIS = 250;
    static final long MAX_DELAY_MILLIS = 4000;
    static final long FORGET_AFTER_MILLIS = 5 * 60_000;
    private static final int SWEEP_ABOVE = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(LoginBackoff.class);
    private static final Map<Broker, LoginBackoff> BY_BROKER = Collections.synchronizedMap(new WeakHashMap<>());

    private final ConcurrentMap<InetAddress, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, long lastMillis) { }

    /** The back-off of one broker: its clients' failures count towards it alone. */
    static LoginBackoff of(Broker broker) {
        return BY_BROKER.computeIfAbsent(broker, b -> new LoginBackoff());
    }

    /** How long to hold a login from this address before checking it; 0 for at once. */
    long delayMillis(SocketAddress remote) {
        return delayMillis(remote, System.currentTimeMillis());
    }

    long delayMillis(SocketAddress remote, long now) {
        InetAddress a = addressOf(remote);
        Failures f = a == null ? null : failures.get(a);
        if (f == null || now - f.lastMillis() > FORGET_AFTER_MILLIS || f.count() < FREE_FAILURES) {
            return 0;
        }
        int doublings = Math.min(f.count() - FREE_FAILURES, 20);
        return Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << doublings);
    }

    void failed(SocketAddress remote) {
        failed(remote, System.currentTimeMillis());
    }

    void failed(SocketAddress remote, long now) {
        InetAddress a = addressOf(remote);
        if (a == null || a.isLoopbackAddress()) {
            // This machine's own clients (and every test suite) are not slowed: a guesser here has other means.
            return;
        }
        if (failures.size() > SWEEP_ABOVE) {
            failures.values().removeIf(f -> now - f.lastMillis() > FORGET_AFTER_MILLIS);
        }
        Failures f = failures.merge(a, new Failures(1, now), (old, one) -> new Failures(
                now - old.lastMillis() > FORGET_AFTER_MILLIS ? 1 : old.count() + 1, now));
        if (f.count() == FREE_FAILURES) {
            LOG.warn("{} failed logins from {}: its further logins are answered after a growing delay (up to {} s) "
                    + "until one succeeds", FREE_FAILURES, a.getHostAddress(), MAX_DELAY_MILLIS / 1000);
        }
    }

    void succeeded(SocketAddress remote) {
        InetAddress a = addressOf(remote);
        if (a != null) {
            failures.remove(a);
        }
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
