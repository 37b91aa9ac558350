package io.ferrymq.ha;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP link between two processes that the test can cut like a cable: while cut, bytes already sent stay
 * where they are (nothing is forwarded, nothing is closed or reset, new connections are accepted but lead
 * nowhere), and once healed the link carries on from where it stopped, as TCP does after a cable is plugged
 * back in. Endpoints that gave up meanwhile close their side, and that is forwarded on healing.
 *
 * <p>Needs no root and no network namespaces: each direction is a thread that stops before writing while
 * the link is cut.
 */
final class CuttableLink implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private boolean cut;
    private volatile boolean closed;

    CuttableLink(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "link-to-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port that leads to the target while the link is whole. */
    int port() {
        return listener.getLocalPort();
    }

    /** Stops carrying bytes, in both directions, on every connection, without closing any. */
    void cut() {
        synchronized (lock) {
            cut = true;
        }
    }

    /** Carries bytes again, starting with those held back while cut. */
    void heal() {
        synchronized (lock) {
            cut = false;
            lock.notifyAll();
        }
    }

    private void awaitWhole() throws InterruptedException {
        synchronized (lock) {
            while (cut && !closed) {
                lock.wait();
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Thread t = new Thread(() -> connect(client), "link-connect-" + target.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** A connection made while cut reaches the target only once healed (a SYN that gets through late). */
    private void connect(Socket client) {
        try {
            awaitWhole();
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(target, 5_000);
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            pump(client, upstream);
            pump(upstream, client);
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitWhole();
                    out.write(buffer, 0, n);
                    out.flush();
                }
                awaitWhole();
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "link-pump-" + target.getPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        heal();
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        sockets.forEach(CuttableLink::closeQuietly);
    }
}
