package io.ferrymq.bench.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A client {@link SSLEngine} driven over a blocking socket: the handshake, one request and its reply, and an
 * orderly close. Delegated tasks run on the calling thread.
 */
final class EngineIo {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private ByteBuffer appIn;

    EngineIo(SSLEngine engine, Socket socket) throws IOException {
        this.engine = engine;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netIn.flip();
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrap();
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
                default -> throw new SSLException("unexpected handshake status " + engine.getHandshakeStatus());
            }
        }
    }

    /**
     * Sends {@code request} and reads until {@code end} arrives: the broker's reply. TLS 1.3 session tickets come
     * before it (the OpenSSL engine sends them with its first record, not at the end of the handshake).
     */
    String exchange(byte[] request, byte end) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(request);
        while (src.hasRemaining()) {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + r);
            }
            netOut.flip();
            out.write(netOut.array(), 0, netOut.limit());
        }
        out.flush();
        appIn.clear();
        while (true) {
            int before = appIn.position();
            SSLEngineResult r = unwrap();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new EOFException("the broker closed the connection before it replied");
            }
            for (int i = before; i < appIn.position(); i++) {
                if (appIn.get(i) == end) {
                    return new String(appIn.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
    }

    /** Sends close_notify. */
    void close() throws IOException {
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            wrap();
        }
    }

    private void wrap() throws IOException {
        netOut.clear();
        SSLEngineResult r = engine.wrap(EMPTY, netOut);
        if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new SSLException("wrap: " + r);
        }
        netOut.flip();
        out.write(netOut.array(), 0, netOut.limit());
        out.flush();
        runTasksIfNeeded(r);
    }

    /** One unwrap, reading from the socket first when the buffered bytes hold no whole record. */
    private SSLEngineResult unwrap() throws IOException {
        while (true) {
            SSLEngineResult r = netIn.hasRemaining() ? engine.unwrap(netIn, appIn) : null;
            if (r != null && r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
                appIn.flip();
                appIn = bigger.put(appIn);
                continue;
            }
            if (r != null && r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                runTasksIfNeeded(r);
                return r;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        netIn.compact();
        int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
        if (n < 0) {
            throw new EOFException("the server closed the connection during the TLS exchange");
        }
        netIn.position(netIn.position() + n);
        netIn.flip();
    }

    private void runTasksIfNeeded(SSLEngineResult r) {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
