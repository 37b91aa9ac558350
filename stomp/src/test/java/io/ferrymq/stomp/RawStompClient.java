package io.ferrymq.stomp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately dumb socket client for bad-input tests: it writes exactly the bytes a test gives it
 * (malformed frames included) and reads frames back without interpreting them.
 */
final class RawStompClient implements AutoCloseable {

    record Frame(String command, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawStompClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    RawStompClient send(String raw) throws IOException {
        return send(raw.getBytes(StandardCharsets.UTF_8));
    }

    RawStompClient send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
        return this;
    }

    /** CONNECT as admin with STOMP 1.2 and expect CONNECTED. */
    RawStompClient connect() throws IOException {
        send("CONNECT\naccept-version:1.2\nhost:localhost\nlogin:admin\npasscode:secret\n\n\0");
        Frame f = read();
        if (!f.command().equals("CONNECTED")) {
            throw new IOException("expected CONNECTED, got " + f);
        }
        return this;
    }

    /** The next frame, skipping heart-beat EOLs. */
    Frame read() throws IOException {
        int b;
        do {
            b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
        } while (b == '\n' || b == '\r');
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.write(b);
        while ((b = in.read()) != 0) {
            if (b < 0) {
                throw new IOException("connection closed mid-frame");
            }
            buf.write(b);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        int headerEnd = text.indexOf("\n\n");
        String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
        String body = headerEnd < 0 ? "" : text.substring(headerEnd + 2);
        String[] lines = head.split("\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.putIfAbsent(lines[i].substring(0, colon), lines[i].substring(colon + 1));
        }
        return new Frame(lines[0], headers, body);
    }

    /** Whether the broker closed the connection (end of stream) within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    void timeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
