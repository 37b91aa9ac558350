package io.ferrymq.aws;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 on the AWS port (prior knowledge, as the AWS SDK's Netty client opens an http:// endpoint): a client
 * breaking the framing gets a GOAWAY with a protocol or frame-size error and loses its connection; the port
 * keeps serving others.
 */
class Http2MalformedInputTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static AwsTestBroker broker;

    @BeforeAll
    static void start() {
        broker = AwsTestBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** The frame types the server sent until it closed the connection. */
    private static List<Integer> framesUntilClosed(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        List<Integer> types = new ArrayList<>();
        try {
            while (true) {
                int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                types.add(in.readUnsignedByte());
                in.readUnsignedByte();
                in.readInt();
                in.readNBytes(length);
            }
        } catch (EOFException closed) {
            return types;
        }
    }

    @Test
    void anOversizedFrameAfterThePrefaceGetsGoawayAndTheConnectionCloses() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(PREFACE);
            // An empty SETTINGS frame, then a DATA frame on stream 1 claiming 16 MiB - 1: over the 16 KiB maximum.
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 1});
            out.flush();
            List<Integer> types = framesUntilClosed(s);
            assertThat(types).first().isEqualTo(4);
            assertThat(types).contains(7);
        }
        assertThat(broker.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void garbageInsteadOfFramesGetsGoaway() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(PREFACE);
            // Not a SETTINGS frame first: a HEADERS frame on stream 0, which HTTP/2 forbids.
            out.write(new byte[] {0, 0, 1, 1, 4, 0, 0, 0, 0, 0x7f});
            out.flush();
            assertThat(framesUntilClosed(s)).contains(7);
        }
        assertThat(broker.get("/").statusCode()).isEqualTo(200);
    }
}
