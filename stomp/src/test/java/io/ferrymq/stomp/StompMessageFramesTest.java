package io.ferrymq.stomp;

import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.stomp.codec.StompVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * From a message's second delivery in a version on, a MESSAGE frame is the delivery's own lines followed by the
 * one shared encoding of the message's part (the same memory for every delivery, not a copy), with the same bytes
 * a frame written whole would have; the frames hold the shared part only while they live.
 */
class StompMessageFramesTest {

    private final PooledByteBufAllocator alloc = new PooledByteBufAllocator(true);

    /** A body past {@link StompMessageFrames#COMPOSE_FROM}: the shared part is sent by reference. */
    private static Message message(long id) {
        return message(id, StompMessageFrames.COMPOSE_FROM);
    }

    private static Message message(long id, int bodyLength) {
        return Message.builder().id(id).address("amq.topic").routingKey("fan.out").durable(false)
                .body("0123456789abcdef".repeat(bodyLength / 16 + 1).getBytes(StandardCharsets.UTF_8))
                .property("note", "a:b\\c").build();
    }

    private static String text(ByteBuf b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void laterDeliveriesShareOneEncodingOfTheMessagesPart() {
        Message m = message(1);
        Delivery d = new Delivery(null, 0, m, 1, false, null, 0);
        List<ByteBuf> frames = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                StompSubscription s = new StompSubscription("sub-" + i, AckMode.CLIENT_INDIVIDUAL, null, null, 100);
                frames.add(StompMessageFrames.encode(alloc, d, s, Integer.toString(100 + i), true, StompVersion.V1_2));
            }
            assertThat(frames.get(0)).isNotInstanceOf(CompositeByteBuf.class);
            ByteBuf sharedOfSecond = ((CompositeByteBuf) frames.get(1)).component(1);
            for (int i = 1; i < 4; i++) {
                CompositeByteBuf frame = (CompositeByteBuf) frames.get(i);
                assertThat(frame.isDirect()).as("written by the socket as it is").isTrue();
                assertThat(frame.component(1).memoryAddress()).as("the same memory in delivery %s", i)
                        .isEqualTo(sharedOfSecond.memoryAddress());
            }
            // Byte for byte what the frame written whole says, apart from this delivery's own lines.
            String first = text(frames.get(0));
            for (int i = 1; i < 4; i++) {
                String expected = first.replace("subscription:sub-0\n", "subscription:sub-" + i + "\n")
                        .replace("message-id:100\n", "message-id:" + (100 + i) + "\n")
                        .replace("ack:100\n", "ack:" + (100 + i) + "\n");
                assertThat(text(frames.get(i))).isEqualTo(expected);
            }
            assertThat(first).contains("\nnote:a\\cb\\\\c\n");
        } finally {
            frames.forEach(ByteBuf::release);
        }
    }

    @Test
    void theSharedPartOutlivesTheFramesThatReleasedIt() {
        Message m = message(2);
        Delivery d = new Delivery(null, 0, m, 1, false, null, 0);
        StompSubscription s = new StompSubscription("s", AckMode.AUTO, null, null, 100);
        StompMessageFrames.encode(alloc, d, s, "1", false, StompVersion.V1_1).release();
        ByteBuf second = StompMessageFrames.encode(alloc, d, s, "2", false, StompVersion.V1_1);
        String secondText = text(second);
        ByteBuf shared = ((CompositeByteBuf) second).component(1);
        int held = shared.refCnt();
        second.release();
        assertThat(shared.refCnt()).as("the message's own hold").isEqualTo(held - 1).isPositive();

        ByteBuf third = StompMessageFrames.encode(alloc, d, s, "2", false, StompVersion.V1_1);
        try {
            assertThat(text(third)).isEqualTo(secondText);
        } finally {
            third.release();
        }
    }

    @Test
    void eachVersionHasItsOwnSharedPart() {
        Message m = message(3);
        Delivery d = new Delivery(null, 0, m, 1, false, null, 0);
        StompSubscription s = new StompSubscription("s", AckMode.AUTO, null, null, 100);
        List<ByteBuf> frames = new ArrayList<>();
        try {
            for (StompVersion v : List.of(StompVersion.V1_0, StompVersion.V1_1, StompVersion.V1_0, StompVersion.V1_1)) {
                frames.add(StompMessageFrames.encode(alloc, d, s, "7", false, v));
            }
            assertThat(text(frames.get(2))).isEqualTo(text(frames.get(0))).contains("\nnote:a:b\\c\n");
            assertThat(text(frames.get(3))).isEqualTo(text(frames.get(1))).contains("\nnote:a\\cb\\\\c\n");
        } finally {
            frames.forEach(ByteBuf::release);
        }
    }

    @Test
    void aShortSharedPartIsCopiedIntoEachDeliverysBuffer() {
        Message m = message(4, 1024);
        Delivery d = new Delivery(null, 0, m, 1, false, null, 0);
        StompSubscription s = new StompSubscription("s", AckMode.AUTO, null, null, 100);
        List<ByteBuf> frames = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                frames.add(StompMessageFrames.encode(alloc, d, s, "9", false, StompVersion.V1_2));
            }
            for (ByteBuf f : frames) {
                assertThat(f).isNotInstanceOf(CompositeByteBuf.class);
                assertThat(text(f)).isEqualTo(text(frames.get(0)));
            }
        } finally {
            frames.forEach(ByteBuf::release);
        }
    }
}
