package io.ferrymq.bench.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * TLS handshakes in a loop: each of N threads connects, completes a handshake, closes and starts again, for a
 * warm-up and then a measured time; the broker's CPU time (when its pid is known) is read at both ends of the
 * measured time. Without resumption every handshake is a full one (the client forgets each session); with it,
 * the client offers its previous session (TLS 1.2 session id or TLS 1.3 ticket) and the server decides; with TLS 1.3
 * each connection then waits up to 20 ms for the ticket the server sends after the handshake.
 */
public final class HandshakeBench {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int TICKET_WAIT_MILLIS = 20;

    private final SSLContext context;
    private final InetSocketAddress target;
    private final List<String> protocols;

    /**
     * @param context   client context trusting the broker's CA; its session cache serves resumption
     * @param protocols TLS versions the client offers, e.g. [TLSv1.3] or [TLSv1.2]
     */
    public HandshakeBench(SSLContext context, InetSocketAddress target, List<String> protocols) {
        this.context = context;
        this.target = target;
        this.protocols = List.copyOf(protocols);
    }

    public HandshakeResult run(int threads, boolean resumption, Duration warmup, Duration duration,
                               OptionalLong brokerPidCpu, LongSupplier brokerCpuNanos) throws InterruptedException {
        AtomicLong handshakes = new AtomicLong();
        AtomicLong resumed = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (handshakeOnce(resumption)) {
                            resumed.incrementAndGet();
                        }
                        handshakes.incrementAndGet();
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                }
            }, "handshake-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        Thread.sleep(warmup.toMillis());
        long h0 = handshakes.get();
        long r0 = resumed.get();
        long f0 = failures.get();
        long cpu0 = brokerPidCpu.isPresent() ? brokerCpuNanos.getAsLong() : 0;
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        long elapsed = System.nanoTime() - t0;
        long cpu1 = brokerPidCpu.isPresent() ? brokerCpuNanos.getAsLong() : 0;
        long h = handshakes.get() - h0;
        long r = resumed.get() - r0;
        long f = failures.get() - f0;
        stop.set(true);
        for (Thread t : workers) {
            t.join(CONNECT_TIMEOUT_MILLIS * 2L);
        }
        Double cpuMicros = brokerPidCpu.isPresent() && h > 0 ? (cpu1 - cpu0) / 1e3 / h : null;
        return new HandshakeResult(threads, resumption, protocols, elapsed / 1e9, h, r, f, h * 1e9 / elapsed,
                cpuMicros, firstFailure.get());
    }

    /** One connection: handshake, then close. True when the session was resumed rather than new. */
    private boolean handshakeOnce(boolean resumption) throws IOException {
        long before = System.currentTimeMillis();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            SSLParameters params = socket.getSSLParameters();
            params.setProtocols(protocols.toArray(String[]::new));
            // Host name checked against the certificate, as a real client does (costs the same on each run).
            params.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(params);
            socket.setTcpNoDelay(true);
            socket.connect(target, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            socket.startHandshake();
            SSLSession session = socket.getSession();
            // A resumed session keeps the creation time of the full handshake that made it.
            boolean wasResumed = session.getCreationTime() < before;
            if (!resumption) {
                session.invalidate();
            } else if ("TLSv1.3".equals(session.getProtocol())) {
                // TLS 1.3 tickets come after the handshake, taken in only by a read: wait briefly for one.
                socket.setSoTimeout(TICKET_WAIT_MILLIS);
                try {
                    socket.getInputStream().read();
                } catch (SocketTimeoutException expected) {
                    // no application data: the broker waits for the client to speak first
                }
            }
            return wasResumed;
        }
    }
}
