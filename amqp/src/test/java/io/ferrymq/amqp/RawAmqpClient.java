package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpCodec;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.transport.Attach;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Open;
import org.apache.qpid.proton.amqp.transport.Role;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An AMQP 1.0 client at the frame level, for what real clients never send: bad headers, oversize frames,
 * undecodable messages. Frames are encoded with Proton's codec; reads time out rather than hang.
 */
final class RawAmqpClient implements AutoCloseable {

    static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 1, 0, 0};
    static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};
    static final int AMQP_FRAME = 0;
    static final int SASL_FRAME = 1;

    /** A frame as read: its type, channel, decoded performative (null for a heartbeat) and payload. */
    record Frame(int type, int channel, Object body, byte[] payload) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawAmqpClient(int port) throws IOException {
        socket = new Socket();
        // A small receive buffer, so that a client that stops reading pushes back on the broker quickly.
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    byte[] readHeader() throws IOException {
        byte[] h = new byte[8];
        in.readFully(h);
        return h;
    }

    void frame(int type, int channel, Object performative, byte[] payload) throws IOException {
        write(encode(type, channel, performative, payload));
    }

    /** A frame's bytes, for tests that write several frames at once. */
    static byte[] encode(int type, int channel, Object performative, byte[] payload) {
        byte[] body = AmqpCodec.get().encode(performative);
        int size = 8 + body.length + (payload == null ? 0 : payload.length);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(size).put((byte) 2).put((byte) type).putShort((short) channel).put(body);
        if (payload != null) {
            b.put(payload);
        }
        return b.array();
    }

    /** The next frame, skipping heartbeats. */
    Frame read() throws IOException {
        while (true) {
            int size = in.readInt();
            byte[] rest = new byte[size - 4];
            in.readFully(rest);
            int doff = rest[0] & 0xFF;
            int type = rest[1] & 0xFF;
            int channel = ((rest[2] & 0xFF) << 8) | (rest[3] & 0xFF);
            if (size == 8) {
                continue;
            }
            ByteBuffer body = ByteBuffer.wrap(rest, doff * 4 - 4, rest.length - (doff * 4 - 4));
            Object performative = AmqpCodec.get().decode(body);
            byte[] payload = Arrays.copyOfRange(rest, body.position(), rest.length);
            return new Frame(type, channel, performative, payload);
        }
    }

    /** True once the broker has closed its side: a read sees the end of the stream. */
    boolean closedByBroker() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard whatever is still in flight
            }
            return true;
        } catch (EOFException e) {
            return true;
        }
    }

    /** SASL header and PLAIN; @return the outcome frame's performative */
    Object saslPlain(String user, String password) throws IOException {
        write(SASL_HEADER);
        readHeader();
        read(); // sasl-mechanisms
        SaslInit init = new SaslInit();
        init.setMechanism(Symbol.valueOf("PLAIN"));
        init.setInitialResponse(new Binary(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        frame(SASL_FRAME, 0, init, null);
        return read().body();
    }

    /** Authenticates, opens the connection and begins session 0; @return the broker's open */
    Open open(String user, String password) throws IOException {
        saslPlain(user, password);
        write(AMQP_HEADER);
        readHeader();
        Open open = new Open();
        open.setContainerId("raw-client");
        frame(AMQP_FRAME, 0, open, null);
        Open answer = (Open) read().body();
        Begin begin = new Begin();
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(1000));
        begin.setOutgoingWindow(UnsignedInteger.valueOf(1000));
        frame(AMQP_FRAME, 0, begin, null);
        read();
        return answer;
    }

    /**
     * Attaches an unsettled sender on handle 0 of session 0 to {@code address}.
     *
     * @return the broker's first flow on the link, which carries its credit
     * @throws IllegalStateException if the broker refused the link (an attach without a target)
     */
    Flow attachSender(String linkName, String address) throws IOException {
        frame(AMQP_FRAME, 0, senderAttach(linkName, 0, address), null);
        Attach answer = (Attach) read().body();
        if (answer.getTarget() == null) {
            throw new IllegalStateException("the broker refused the link to " + address);
        }
        return (Flow) read().body();
    }

    /** An attach of an unsettled sender to {@code address} on {@code handle}. */
    static Attach senderAttach(String linkName, long handle, String address) {
        Attach attach = new Attach();
        attach.setName(linkName);
        attach.setHandle(UnsignedInteger.valueOf(handle));
        attach.setRole(Role.SENDER);
        attach.setSndSettleMode(SenderSettleMode.UNSETTLED);
        attach.setSource(new Source());
        Target target = new Target();
        target.setAddress(address);
        attach.setTarget(target);
        attach.setInitialDeliveryCount(UnsignedInteger.ZERO);
        return attach;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
