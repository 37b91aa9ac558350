package io.ferrymq.management;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A STOMP 1.2 client on a plain socket: frames as written, and each frame read back with its headers. */
final class RawStomp implements AutoCloseable {

    record Frame(String command, Map<String, String> headers, String body) { }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawStomp(int port, String user, String password) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        send("CONNECT", Map.of("accept-version", "1.2", "host", "/", "login", user, "passcode", password), "");
        Frame connected = read();
        if (!connected.command().equals("CONNECTED")) {
            throw new IOException("STOMP login failed: " + connected);
        }
    }

    void send(String command, Map<String, String> headers, String body) throws IOException {
        StringBuilder f = new StringBuilder(command).append('\n');
        headers.forEach((k, v) -> f.append(k).append(':').append(v).append('\n'));
        f.append('\n').append(body).append('\0');
        out.write(f.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next frame, skipping heart-beats; null at the end of the stream. */
    Frame read() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == 0) {
                break;
            }
            if (buf.size() == 0 && (b == '\n' || b == '\r')) {
                continue;
            }
            buf.write(b);
        }
        if (b == -1 && buf.size() == 0) {
            return null;
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        int blank = text.indexOf("\n\n");
        String head = blank < 0 ? text : text.substring(0, blank);
        String body = blank < 0 ? "" : text.substring(blank + 2);
        String[] lines = head.split("\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(unescape(lines[i].substring(0, colon)), unescape(lines[i].substring(colon + 1)));
            }
        }
        return new Frame(lines[0], headers, body);
    }

    /** STOMP 1.2's header escapes: {@code \\c} is a colon, {@code \\n} a newline. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(switch (n) {
                    case 'c' -> ':';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
