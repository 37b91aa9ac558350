package io.ferrymq.stomp;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.stomp.codec.FrameWriter;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MESSAGE frame of a delivery, written in one pass straight into the buffer that goes to the socket: first
 * the lines that belong to this delivery (subscription, message-id, ack, redelivered), then the message's part
 * ({@link StompMessages#writeMessagePart}), which depends on nothing but the message and the STOMP version.
 *
 * <p>A message that goes to several subscribers of one version (a topic fan-out) has that part encoded once,
 * kept with the message ({@link Message#encodedFor}), and copied into each later delivery's buffer: the headers
 * are escaped and the properties turned into text once per message, not once per subscriber. As with MQTT's
 * shared PUBLISH, the shared encoding is made at the second delivery, so a message delivered once (a queue, a
 * topic with one subscriber) costs no more than before.
 */
final class StompMessageFrames {

    /** Bodies above this are not kept twice in memory (once as the body, once inside the shared part). */
    static final int MAX_SHARED_BODY = 64 * 1024;

    private static final byte[] REDELIVERED_TRUE = "redelivered:true\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REDELIVERED_FALSE = "redelivered:false\n".getBytes(StandardCharsets.US_ASCII);

    /** What the message's part depends on besides the message: the version's escaping and header rules. */
    private record Shape(StompVersion version) {
    }

    private static final Shape[] SHAPES = {
        new Shape(StompVersion.V1_0), new Shape(StompVersion.V1_1), new Shape(StompVersion.V1_2),
    };

    /** The deliveries of one message in one shape so far, and the shared part once there is a second. */
    private static final class Slot {
        final AtomicInteger deliveries = new AtomicInteger();
        volatile byte[] encoded;
    }

    private StompMessageFrames() {
    }

    /**
     * The frame for {@code d} to subscription {@code s}.
     *
     * @throws IllegalArgumentException when the version cannot carry a header that every MESSAGE frame needs
     *                                  (a destination with a line break in STOMP 1.0); nothing is left allocated
     */
    static ByteBuf encode(ByteBufAllocator alloc, Delivery d, StompSubscription s, String ackId, boolean needsAck,
                          StompVersion version) {
        Message m = d.message();
        FrameWriter w = FrameWriter.of(version);
        byte[] shared = m.body().length <= MAX_SHARED_BODY ? sharedPart(alloc, m, version, w) : null;
        byte[] subscriptionLine = s.subscriptionLine(w);
        int head = 32 + subscriptionLine.length + 2 * (ackId.length() + 16);
        ByteBuf out = alloc.ioBuffer(head + (shared != null ? shared.length : StompMessages.estimatedMessagePart(m)));
        try {
            w.command(out, "MESSAGE");
            out.writeBytes(subscriptionLine);
            w.header(out, "message-id", ackId);
            if (needsAck && version == StompVersion.V1_2) {
                w.header(out, "ack", ackId);
            }
            out.writeBytes(d.redelivered() ? REDELIVERED_TRUE : REDELIVERED_FALSE);
            if (shared != null) {
                out.writeBytes(shared);
            } else {
                StompMessages.writeMessagePart(out, m, version, w, s.destinationLine(m, w));
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** The shared message part, or null at the message's first delivery in this version. */
    private static byte[] sharedPart(ByteBufAllocator alloc, Message m, StompVersion version, FrameWriter w) {
        Slot slot = m.encodedFor(SHAPES[version.ordinal()], shape -> new Slot());
        if (slot.deliveries.getAndIncrement() == 0) {
            return null;
        }
        byte[] part = slot.encoded;
        if (part == null) {
            // Racing deliveries on other event loops may each encode once; any of the equal results will do.
            // Written into a pooled buffer and copied out at its exact size: the one array kept is the only one made.
            ByteBuf buf = alloc.heapBuffer(StompMessages.estimatedMessagePart(m));
            try {
                StompMessages.writeMessagePart(buf, m, version, w,
                        w.headerLine("destination", StompDestination.describe(m.address(), m.routingKey())));
                part = ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
            slot.encoded = part;
        }
        return part;
    }
}
