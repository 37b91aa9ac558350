package io.ferrymq.amqp.message;

import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An encoded AMQP message split into its sections (AMQP 1.0 part 3.2), with the byte range of the body
 * so that it can be kept or forwarded without encoding it again.
 */
public final class AmqpSections {

    public Header header;
    public DeliveryAnnotations deliveryAnnotations;
    public MessageAnnotations messageAnnotations;
    public Properties properties;
    public ApplicationProperties applicationProperties;
    public final List<Section> body = new ArrayList<>(1);
    public Footer footer;
    /** Offset just past the header section (0 when there is none). */
    public int headerEnd;
    /** Byte range of the body sections; empty (0, 0) when there is no body. */
    public int bodyStart;
    public int bodyEnd;

    private AmqpSections() {
    }

    /**
     * @throws AmqpDecodeException when the bytes are not a sequence of message sections in the order the
     *                             specification gives
     */
    public static AmqpSections decode(byte[] encoded) {
        AmqpSections s = new AmqpSections();
        ByteBuffer in = ByteBuffer.wrap(encoded);
        AmqpCodec codec = AmqpCodec.get();
        int rank = 0;
        int bodyKind = 0;
        while (in.hasRemaining()) {
            int start = in.position();
            Object section;
            try {
                section = codec.decode(in);
            } catch (RuntimeException e) {
                throw new AmqpDecodeException("the message is not valid AMQP 1.0 encoding at byte " + start + ": "
                        + HumanText.of(e.getMessage(), "it could not be decoded"), e);
            }
            int sectionRank = rank(section);
            if (sectionRank == 0) {
                throw new AmqpDecodeException("the message holds " + describe(section) + " at byte " + start
                        + ", which is not a message section");
            }
            if (sectionRank < rank || (sectionRank == rank && sectionRank != 6)) {
                throw new AmqpDecodeException("message sections are out of order or repeated: " + describe(section)
                        + " at byte " + start);
            }
            rank = sectionRank;
            switch (sectionRank) {
                case 1 -> {
                    s.header = (Header) section;
                    s.headerEnd = in.position();
                }
                case 2 -> s.deliveryAnnotations = (DeliveryAnnotations) section;
                case 3 -> s.messageAnnotations = (MessageAnnotations) section;
                case 4 -> s.properties = (Properties) section;
                case 5 -> s.applicationProperties = (ApplicationProperties) section;
                case 6 -> {
                    int kind = section instanceof Data ? 1 : section instanceof AmqpSequence ? 2 : 3;
                    if (bodyKind != 0 && (bodyKind != kind || kind == 3)) {
                        throw new AmqpDecodeException("a message body is one amqp-value, or data sections, or"
                                + " amqp-sequence sections, not a mixture");
                    }
                    bodyKind = kind;
                    if (s.body.isEmpty()) {
                        s.bodyStart = start;
                    }
                    s.body.add((Section) section);
                    s.bodyEnd = in.position();
                }
                case 7 -> s.footer = (Footer) section;
                default -> throw new IllegalStateException();
            }
        }
        return s;
    }

    private static int rank(Object section) {
        if (section instanceof Header) {
            return 1;
        }
        if (section instanceof DeliveryAnnotations) {
            return 2;
        }
        if (section instanceof MessageAnnotations) {
            return 3;
        }
        if (section instanceof Properties) {
            return 4;
        }
        if (section instanceof ApplicationProperties) {
            return 5;
        }
        if (section instanceof Data || section instanceof AmqpSequence || section instanceof AmqpValue) {
            return 6;
        }
        if (section instanceof Footer) {
            return 7;
        }
        return 0;
    }

    private static String describe(Object o) {
        return HumanText.typeOf(o);
    }
}
