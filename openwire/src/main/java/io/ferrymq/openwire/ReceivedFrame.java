package io.ferrymq.openwire;

import io.netty.buffer.ByteBuf;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.DataStructure;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.openwire.BooleanStream;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.apache.activemq.util.DataByteArrayOutputStream;

import java.io.IOException;
import java.util.Objects;

/**
 * A message command's frame as the producer sent it (size prefix, type, tight encoding without the marshalling
 * cache), which a MessageDispatch carries as it is: OpenWire's tight encoding lets a nested message be a complete
 * frame of its own (the "marshall-aware" form every activemq-client reads), so an OpenWire consumer gets the
 * producer's bytes rather than a copy of the message marshalled again. The one field a delivery must change is the
 * MessageId's {@code brokerSequenceId}, which acknowledgements carry back: it is the last field of the MessageId,
 * received as 0 (two clear bits, no bytes), and each delivery writes its two bits and its bytes at the places found
 * once here. A frame holds the marshaller version it was written in; only a connection of that version, tight and
 * uncached as well, may send it.
 *
 * @param bytes     the whole frame, never changed (deliveries on several event loops read it at once)
 * @param version   the OpenWire version it is marshalled in
 * @param bitsStart where the message's boolean stream begins its bits (after its length)
 * @param seqBit    the index in that stream of the first of the brokerSequenceId's two bits
 * @param seqAt     where the brokerSequenceId's bytes go, in {@code bytes}
 */
record ReceivedFrame(byte[] bytes, int version, int bitsStart, int seqBit, int seqAt) {

    /** The MessageId field order this relies on (brokerSequenceId last) holds from version 10 to 12. */
    static final int MIN_VERSION = 10;

    /**
     * The frame of received message {@code m}, or null when its bytes cannot stand for what the broker delivers:
     * a transacted, composite or already sequenced send, an out-of-range priority, a user id set by the client
     * (the broker does not pass a claimed identity on), or an encoding other than tight and uncached.
     */
    static ReceivedFrame of(OpenWireFormat format, byte[] frame, ActiveMQMessage m) {
        return of(format, frame, m, null);
    }

    /** As {@link #of(OpenWireFormat, byte[], ActiveMQMessage)}, reusing {@code last}'s layout where it applies. */
    static ReceivedFrame of(OpenWireFormat format, byte[] frame, ActiveMQMessage m, Layout last) {
        if (!format.isTightEncodingEnabled() || format.isCacheEnabled() || format.getVersion() < MIN_VERSION
                || m.getTransactionId() != null || m.getMessageId() == null
                || m.getMessageId().getBrokerSequenceId() != 0 || m.getDestination() == null
                || m.getDestination().isComposite() || m.getUserID() != null || m.isJMSXGroupFirstForConsumer()
                || m.getPriority() < 0 || m.getPriority() > io.ferrymq.core.message.Message.MAX_PRIORITY) {
            return null;
        }
        try {
            int bitsBefore;
            int bytesBefore;
            if (last != null && last.fits(m)) {
                bitsBefore = last.bitsBefore;
                bytesBefore = last.bytesBefore;
            } else {
                // The fields before the MessageId's end, in MessageMarshaller's order: the responseRequired bit and
                // the 4-byte commandId of the command, then the producer id, destination, transaction id, original
                // destination and the MessageId itself (each nested, since the cache is off).
                BooleanStream bits = new BooleanStream();
                bits.writeBoolean(m.isResponseRequired());
                bytesBefore = 4;
                for (DataStructure d : new DataStructure[] {m.getProducerId(), m.getDestination(),
                        m.getTransactionId(), m.getOriginalDestination(), m.getMessageId()}) {
                    bytesBefore += format.tightMarshalNestedObject1(d, bits);
                }
                bitsBefore = bitCount(bits);
                if (last != null) {
                    last.remember(m, bitsBefore, bytesBefore);
                }
            }
            int bitsStart = 5 + lengthSize(frame[5]);
            int dataStart = bitsStart + bitsLength(frame);
            int seqBit = bitsBefore - 2;
            int seqAt = dataStart + bytesBefore;
            if (seqAt > frame.length || bitsStart + (seqBit + 1) / 8 >= dataStart || bit(frame, bitsStart, seqBit)
                    || bit(frame, bitsStart, seqBit + 1)) {
                return null;
            }
            return new ReceivedFrame(frame, format.getVersion(), bitsStart, seqBit, seqAt);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Where the MessageId of a connection's last frame ended, and what that depended on: a producer sends every
     * message with the same producer id and destination, and only the size of its sequence number changes (at
     * 2^16 and 2^32), so working the layout out again for each send would only repeat the same sums.
     */
    static final class Layout {
        private ProducerId producer;
        private ActiveMQDestination destination;
        private ProducerId idProducer;
        private String textView;
        private int sequenceBytes = -1;
        private int bitsBefore;
        private int bytesBefore;

        boolean fits(ActiveMQMessage m) {
            MessageId id = m.getMessageId();
            return m.getOriginalDestination() == null && sequenceBytes == longBytes(id.getProducerSequenceId())
                    && Objects.equals(textView, id.getTextView()) && Objects.equals(producer, m.getProducerId())
                    && destination.equals(m.getDestination()) && Objects.equals(idProducer, id.getProducerId());
        }

        void remember(ActiveMQMessage m, int bitsBefore, int bytesBefore) {
            MessageId id = m.getMessageId();
            if (m.getOriginalDestination() != null) {
                sequenceBytes = -1;
                return;
            }
            this.producer = m.getProducerId();
            this.destination = m.getDestination();
            this.idProducer = id.getProducerId();
            this.textView = id.getTextView();
            this.sequenceBytes = longBytes(id.getProducerSequenceId());
            this.bitsBefore = bitsBefore;
            this.bytesBefore = bytesBefore;
        }
    }

    /** The bytes tight encoding gives a long: none for 0, else 2, 4 or 8. */
    private static int longBytes(long value) {
        return value == 0 ? 0 : sequenceBytes(value);
    }

    /** The length of the frame's boolean stream, from the bytes before it (as BooleanStream.unmarshal reads it). */
    private static int bitsLength(byte[] frame) {
        int b = frame[5] & 0xFF;
        if (b == 0xC0) {
            return frame[6] & 0xFF;
        }
        return b == 0x80 ? (short) (((frame[6] & 0xFF) << 8) | (frame[7] & 0xFF)) : b;
    }

    /** The bytes a marshalled boolean stream's length takes, from its first: one, or a marker and one or two. */
    private static int lengthSize(byte first) {
        int b = first & 0xFF;
        return b == 0xC0 ? 2 : b == 0x80 ? 3 : 1;
    }

    /** How many bits were written: a last bit set after them is the highest set bit of what it marshals. */
    private static int bitCount(BooleanStream bits) throws IOException {
        bits.writeBoolean(true);
        DataByteArrayOutputStream out = new DataByteArrayOutputStream(64);
        bits.marshal(out);
        byte[] marshalled = out.getData();
        int length = out.size();
        int start = lengthSize(marshalled[0]);
        for (int i = length - 1; i >= start; i--) {
            if (marshalled[i] != 0) {
                return (i - start) * 8 + 31 - Integer.numberOfLeadingZeros(marshalled[i] & 0xFF);
            }
        }
        throw new IOException("no bit written");
    }

    private static boolean bit(byte[] frame, int bitsStart, int index) {
        return (frame[bitsStart + index / 8] & (1 << (index % 8))) != 0;
    }

    /** The message this frame holds, unmarshalled anew: for a consumer that cannot take the frame as it is. */
    Object unmarshal() throws IOException {
        OpenWireFormat format = new OpenWireFormat(version);
        format.setTightEncodingEnabled(true);
        format.setCacheEnabled(false);
        format.setSizePrefixDisabled(false);
        return format.unmarshal(new ByteSequence(bytes));
    }

    /** The message's type byte, as the nested form repeats it before the frame. */
    byte type() {
        return bytes[4];
    }

    /** The frame's length once {@code brokerSequenceId} is written into it. */
    int length(long brokerSequenceId) {
        return bytes.length + sequenceBytes(brokerSequenceId);
    }

    /** Writes the frame with {@code brokerSequenceId} (positive) in its MessageId. */
    void writeTo(ByteBuf out, long brokerSequenceId) {
        int n = sequenceBytes(brokerSequenceId);
        int start = out.writerIndex();
        out.writeInt(bytes.length - 4 + n);
        out.writeBytes(bytes, 4, seqAt - 4);
        // tightMarshalLong1's two bits: 01 for 2 bytes, 10 for 4, 11 for 8.
        setBit(out, start, seqBit, n >= 4);
        setBit(out, start, seqBit + 1, n != 4);
        switch (n) {
            case 2 -> out.writeShort((int) brokerSequenceId);
            case 4 -> out.writeInt((int) brokerSequenceId);
            default -> out.writeLong(brokerSequenceId);
        }
        out.writeBytes(bytes, seqAt, bytes.length - seqAt);
    }

    private void setBit(ByteBuf out, int start, int index, boolean value) {
        if (value) {
            int at = start + bitsStart + index / 8;
            out.setByte(at, out.getByte(at) | (1 << (index % 8)));
        }
    }

    private static int sequenceBytes(long value) {
        if ((value & 0xFFFFFFFFFFFF0000L) == 0) {
            return 2;
        }
        return (value & 0xFFFFFFFF00000000L) == 0 ? 4 : 8;
    }
}
