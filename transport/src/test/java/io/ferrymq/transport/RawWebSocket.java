package io.ferrymq.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A WebSocket client that writes frames exactly as a test builds them, malformed ones included. */
public final class RawWebSocket implements AutoCloseable {

    /** A frame as read from the broker. */
    public record Frame(int opcode, byte[] payload) {
        public int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        public String text() {
            return new String(payload, opcode == 0x8 ? 2 : 0, payload.length - (opcode == 0x8 ? 2 : 0),
                    StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /** Connects and upgrades, asking for {@code subprotocol}. */
    public RawWebSocket(int port, String subprotocol) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.toString(StandardCharsets.US_ASCII));
        }
    }

    /** Sends one frame, masked as a client must (unless a test wants it otherwise). */
    public RawWebSocket send(int firstByte, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            f.write(maskBit | payload.length);
        } else {
            f.write(maskBit | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        if (masked) {
            f.write(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            f.write(masked ? payload[i] ^ mask[i % 4] : payload[i]);
        }
        out.write(f.toByteArray());
        out.flush();
        return this;
    }

    public RawWebSocket sendText(String text) throws IOException {
        return send(0x81, text.getBytes(StandardCharsets.UTF_8), true);
    }

    public RawWebSocket sendClose(int code) throws IOException {
        return send(0x88, new byte[] {(byte) (code >> 8), (byte) code}, true);
    }

    /** The next frame from the broker. */
    public Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(b0 & 0x0f, payload);
    }

    /** Whether the broker closed the TCP connection (after whatever frames it sent) within the socket timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            while (in.read() >= 0) {
                // frames sent after the close frame would be a fault the caller checks separately
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
