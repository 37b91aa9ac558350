package io.ferrymq.stomp;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.stomp.codec.FrameWriter;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The MESSAGE frame of a delivery, written in one pass straight into the buffer that goes to the socket: first
 * the lines that belong to this delivery (subscription, message-id, ack, redelivered), then the message's part
 * ({@link StompMessages#writeMessagePart}), which depends on nothing but the message and the STOMP version.
 *
 * <p>A message that goes to several subscribers of one version (a topic fan-out) has that part encoded once,
 * kept with the message ({@link Message#encodedFor}): the headers are escaped, the properties turned into text and
 * the body written once per message, not once per subscriber. Each later delivery is its own lines followed by a
 * copy of that part, or, from {@link #COMPOSE_FROM}, by the part itself (a composite buffer). As with MQTT's
 * shared PUBLISH, the shared encoding is made at the second delivery, so a message delivered once (a queue, a
 * topic with one subscriber) costs no more than before.
 */
final class StompMessageFrames {

    /** Bodies above this are not kept twice in memory (once as the body, once inside the shared part). */
    static final int MAX_SHARED_BODY = 64 * 1024;

    /**
     * A shared part at least this long is kept off-heap and sent by reference (a composite of the delivery's lines
     * and the part); a shorter one is kept as an array and copied after the lines, as before. Measured with 1 KiB
     * bodies, the composite's own objects (about 300 B of heap per delivery, and the array of buffers the socket
     * makes to write it) and the off-heap allocation per message cost more than copying a kilobyte; past a few
     * kilobytes the copy is the larger cost.
     */
    static final int COMPOSE_FROM = 4 * 1024;

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
        /** A {@code byte[]} below {@link #COMPOSE_FROM}, else a {@code ByteBuf}. */
        volatile Object encoded;
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
        Object shared = m.body().length <= MAX_SHARED_BODY ? sharedPart(alloc, m, version, w) : null;
        byte[] copied = shared instanceof byte[] b ? b : null;
        ByteBuf referenced = shared instanceof ByteBuf b ? b : null;
        byte[] subscriptionLine = s.subscriptionLine(w);
        int head = 32 + subscriptionLine.length + 2 * (ackId.length() + 16);
        ByteBuf out = alloc.ioBuffer(head + (copied != null ? copied.length
                : referenced != null ? 0 : StompMessages.estimatedMessagePart(m)));
        try {
            w.command(out, "MESSAGE");
            out.writeBytes(subscriptionLine);
            w.header(out, "message-id", ackId);
            if (needsAck && version == StompVersion.V1_2) {
                w.header(out, "ack", ackId);
            }
            out.writeBytes(d.redelivered() ? REDELIVERED_TRUE : REDELIVERED_FALSE);
            if (copied != null) {
                out.writeBytes(copied);
                return out;
            }
            if (referenced == null) {
                StompMessages.writeMessagePart(out, m, version, w, s.destinationLine(m, w));
                return out;
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        // This delivery's lines, then the shared part itself (not a copy): the socket writes both in one
        // gathering write, and the frame stays one message for the layers below (one WebSocket frame).
        return alloc.compositeDirectBuffer(2).addComponents(true, out, referenced.retainedDuplicate());
    }

    /**
     * The shared message part, or null at the message's first delivery in this version: an array to copy from
     * below {@link #COMPOSE_FROM}, else an off-heap buffer that the socket writes as it is. The deliveries hold
     * that buffer by reference count while they are written, and the message holds it: its memory is freed with
     * the message, by the collector (a message stays in queues for as long as their consumers take, so no
     * delivery knows it is the last).
     */
    private static Object sharedPart(ByteBufAllocator alloc, Message m, StompVersion version, FrameWriter w) {
        Slot slot = m.encodedFor(SHAPES[version.ordinal()], shape -> new Slot());
        if (slot.deliveries.getAndIncrement() == 0) {
            return null;
        }
        Object part = slot.encoded;
        if (part == null) {
            // Racing deliveries on other event loops may each encode once; any of the equal results will do.
            // Written into a pooled buffer and copied out at its exact size: the one copy kept is the only one made.
            ByteBuf buf = alloc.heapBuffer(StompMessages.estimatedMessagePart(m));
            try {
                StompMessages.writeMessagePart(buf, m, version, w,
                        w.headerLine("destination", StompDestination.describe(m.address(), m.routingKey())));
                if (buf.readableBytes() < COMPOSE_FROM) {
                    part = ByteBufUtil.getBytes(buf);
                } else {
                    ByteBuffer direct = ByteBuffer.allocateDirect(buf.readableBytes());
                    buf.readBytes(direct);
                    direct.flip();
                    part = Unpooled.wrappedBuffer(direct);
                }
            } finally {
                buf.release();
            }
            slot.encoded = part;
        }
        return part;
    }
}
