package io.ferrymq.openwire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a broker that can lose the broker's answers: {@link #loseAnswers()} makes the connections
 * open now throw away what the broker sends (a send is stored but its Response never arrives), and
 * {@link #dropConnections()} then cuts them, as a network failure would. New connections pass everything.
 */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    DroppingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    String url() {
        return "tcp://127.0.0.1:" + port();
    }

    void loseAnswers() {
        links.forEach(l -> l.losing = true);
    }

    void dropConnections() {
        links.forEach(Link::close);
        links.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Link link = new Link(client, broker);
                links.add(link);
                link.start();
            } catch (IOException brokerDown) {
                closeQuietly(client);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        dropConnections();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing on the way out
        }
    }

    private static final class Link {
        final Socket client;
        final Socket broker;
        volatile boolean losing;

        Link(Socket client, Socket broker) {
            this.client = client;
            this.broker = broker;
        }

        void start() {
            pump(client, broker, false);
            pump(broker, client, true);
        }

        private void pump(Socket from, Socket to, boolean answers) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (!(answers && losing)) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    }
                } catch (IOException ended) {
                    // one side closed
                } finally {
                    close();
                }
            }, "proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        void close() {
            closeQuietly(client);
            closeQuietly(broker);
        }
    }
}
