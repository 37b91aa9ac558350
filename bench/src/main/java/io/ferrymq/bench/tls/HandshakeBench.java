package io.ferrymq.bench.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * TLS connections in a loop against a STOMP TLS listener: each of N threads connects, completes a handshake, sends a
 * STOMP CONNECT, reads the CONNECTED, closes and starts again, for a warm-up and then a measured time; the broker's
 * CPU time (when its pid is known) is read at both ends of the measured time. Without resumption every handshake is
 * a full one (the client forgets each session); with it, the client offers its previous session (TLS 1.2 session id
 * or TLS 1.3 ticket) and the server decides. A handshake counts as resumed when the server sent no certificate.
 * The client is the JDK's SSLEngine over a plain socket, created for the broker's host and port (the key of the
 * JDK's client session cache). The STOMP exchange is there because a TLS 1.3 ticket comes after the handshake,
 * and the OpenSSL engine (BoringSSL) sends it only with the broker's first record: a client that closed right after
 * the handshake would never get one. Every run does the same exchange, so full and resumed runs compare.
 */
public final class HandshakeBench {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final CertificateCheckWitness witness;
    private final SSLContext context;
    private final InetSocketAddress target;
    private final List<String> protocols;
    private final byte[] stompConnect;

    /**
     * @param trust     the broker's CA
     * @param protocols TLS versions the client offers, e.g. [TLSv1.3] or [TLSv1.2]
     * @param login     the STOMP user, with its passcode
     */
    public HandshakeBench(TrustManagerFactory trust, InetSocketAddress target, List<String> protocols,
                          String login, String passcode) {
        X509ExtendedTrustManager real = Arrays.stream(trust.getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance).map(X509ExtendedTrustManager.class::cast)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no X.509 trust manager"));
        this.witness = new CertificateCheckWitness(real);
        this.context = newContext();
        this.target = target;
        this.protocols = List.copyOf(protocols);
        this.stompConnect = ("CONNECT\naccept-version:1.2\nhost:" + target.getHostString() + "\nlogin:" + login
                + "\npasscode:" + passcode + "\n\n\0").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A client context of its own: one per thread, as each thread is a client that comes back (the JDK's client
     * cache holds one session per host and port, and a TLS 1.3 ticket is used once).
     */
    private SSLContext newContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {witness}, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
        }
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
            SSLContext own = newContext();
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (handshakeOnce(own, resumption)) {
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

    /** One connection with this bench's own context: handshake, then close. True when the session was resumed. */
    boolean handshakeOnce(boolean resumption) throws IOException {
        return handshakeOnce(context, resumption);
    }

    private boolean handshakeOnce(SSLContext client, boolean resumption) throws IOException {
        SSLEngine engine = client.createSSLEngine(target.getHostString(), target.getPort());
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols.toArray(String[]::new));
        // Host name checked against the certificate, as a real client does (costs the same on each run).
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(target, CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            EngineIo io = new EngineIo(engine, socket);
            witness.reset();
            io.handshake();
            boolean wasResumed = !witness.checked();
            String reply = io.exchange(stompConnect, (byte) 0);
            if (!reply.startsWith("CONNECTED")) {
                throw new IOException("the broker answered the STOMP CONNECT with " + reply.lines().findFirst()
                        .orElse("nothing") + reply.lines().filter(l -> l.startsWith("message:")).findFirst()
                        .map(m -> " (" + m + ")").orElse(""));
            }
            if (!resumption) {
                engine.getSession().invalidate();
            }
            io.close();
            return wasResumed;
        }
    }
}
