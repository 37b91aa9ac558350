package io.ferrymq.tests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * STOMP frames over a plain socket, for tests that read the broker's refusals as they are on the wire, or that
 * write frames faster than a client library would.
 */
public final class RawStomp {

    private RawStomp() {
    }

    /**
     * Opens a connection and logs in over STOMP 1.2 with {@code extraHeaders} (each {@code name:value}) added to
     * the CONNECT frame.
     *
     * @return the socket once the broker answered CONNECTED; reads time out after 30 s
     * @throws IllegalStateException with the broker's answer when it was not CONNECTED
     */
    public static Socket connect(int port, String login, String passcode, String... extraHeaders) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(30_000);
        StringBuilder connect = new StringBuilder("CONNECT\naccept-version:1.2\nhost:/\nlogin:").append(login)
                .append("\npasscode:").append(passcode).append('\n');
        for (String h : extraHeaders) {
            connect.append(h).append('\n');
        }
        String answer = ask(s, connect.append("\n\0").toString());
        if (!answer.startsWith("CONNECTED")) {
            s.close();
            throw new IllegalStateException("not CONNECTED: " + answer);
        }
        return s;
    }

    /** Writes {@code frames} (one or more, each ending in NUL) and returns the next frame the broker sends. */
    public static String ask(Socket s, String frames) throws IOException {
        write(s, frames);
        return readFrame(s.getInputStream());
    }

    public static void write(Socket s, String frames) throws IOException {
        s.getOutputStream().write(frames.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** The next frame without its NUL, heart-beat end-of-lines before it skipped. */
    public static String readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b = in.read();
        while (b == '\n' || b == '\r') {
            b = in.read();
        }
        for (; b > 0; b = in.read()) {
            out.write(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
