package io.ferrymq.tests.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A well-behaved STOMP client in raw bytes, over TCP or WebSocket: the health check after a fuzz batch. */
final class RawHealthClients {

    private RawHealthClients() {
    }

    /** Connects, subscribes to {@code /queue/NAME}, sends to it, and waits for the message to come back. */
    static boolean stompRoundTrip(int port, String name, boolean websocket) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            if (websocket) {
                out.write(SessionSeeds.handshake("v12.stomp"));
                readUntil(in, "\r\n\r\n");
            }
            String body = "health-ok-" + name;
            String[] frames = {
                "CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\n\n\0",
                "SUBSCRIBE\nid:0\ndestination:/queue/" + name + "\n\n\0",
                "SEND\ndestination:/queue/" + name + "\ncontent-type:text/plain\n\n" + body + "\0"};
            for (String f : frames) {
                byte[] b = f.getBytes(StandardCharsets.UTF_8);
                out.write(websocket ? SessionSeeds.maskedFrame(0x81, b) : b);
            }
            out.flush();
            return readUntil(in, body).contains("MESSAGE");
        }
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before '" + marker + "'; got: " + seen.toString(StandardCharsets.ISO_8859_1));
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
