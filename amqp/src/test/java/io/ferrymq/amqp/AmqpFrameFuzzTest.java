package io.ferrymq.amqp;

import io.ferrymq.amqp.message.AmqpCodec;
import io.ferrymq.core.testing.DecoderProbe;
import io.ferrymq.core.testing.FuzzInputs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.qpid.proton.amqp.transport.Close;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.Open;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parts of the AMQP 1.0 path FerryMQ writes itself, on damaged and random bytes: the {@link FrameScanner}
 * that checks frame headers before Proton sees them never lets a frame past that breaks a limit, never
 * consumes, never throws; {@link RawFrames} writes frames Proton's codec reads back, whatever the error text.
 * The whole path with Proton behind it is fuzzed over a socket by {@link AmqpConnectionFuzzTest}.
 */
class AmqpFrameFuzzTest {

    private static final int MAX_FRAME = 4096;
    private static final int CHANNEL_MAX = 15;
    private static final DecoderProbe PROBE = new DecoderProbe(Duration.ofSeconds(10));

    @AfterContainer
    static void stopProbe() {
        PROBE.close();
    }

    @Provide
    Arbitrary<byte[]> streams() {
        return FuzzInputs.anyInput(AmqpConnectionFuzzTest.sessionSeeds(), 512);
    }

    @Property
    void scannerPassesOnlyFramesWithinTheLimits(@ForAll("streams") byte[] input) {
        String shown = HexFormat.of().formatHex(input);
        PROBE.run(shown, DecoderProbe.proportionalTo(input.length), () -> {
            // The protocol header is the handler's business; the scanner starts after it.
            int start = Math.min(input.length, ProtocolHeader.LENGTH);
            ByteBuf in = Unpooled.wrappedBuffer(input, start, input.length - start);
            FrameScanner scanner = new FrameScanner(MAX_FRAME, CHANNEL_MAX, new FrameGuard());
            int before = in.readerIndex();
            int passed = scanner.scan(in);
            assertThat(in.readerIndex()).as("scan must not consume, on %s", shown).isEqualTo(before);
            assertThat(passed).as("passed bytes on %s", shown).isBetween(0, in.readableBytes());
            // Every frame header inside what was let through is within the limits.
            int i = in.readerIndex();
            int end = i + passed;
            while (i + 8 <= end) {
                long size = in.getUnsignedInt(i);
                int doff = in.getUnsignedByte(i + 4);
                int type = in.getUnsignedByte(i + 5);
                int channel = in.getUnsignedShort(i + 6);
                assertThat(size).as("frame size at %d on %s", i, shown).isBetween(8L, (long) MAX_FRAME);
                assertThat(doff * 4L).as("data offset at %d on %s", i, shown).isBetween(8L, size);
                if (type == 0) {
                    assertThat(channel).as("channel at %d on %s", i, shown).isLessThanOrEqualTo(CHANNEL_MAX);
                }
                i += (int) size;
            }
            int rest = in.readableBytes() - passed;
            if (scanner.violation() == null && scanner.stopped() == null && rest >= 8) {
                assertThat(in.getUnsignedInt(in.readerIndex() + passed))
                        .as("unless a frame breaks a limit or the guard stops it, only an incomplete frame is held back,"
                                + " on %s", shown)
                        .isGreaterThan(rest);
            }
            FrameScanner sasl = new FrameScanner(MAX_FRAME, CHANNEL_MAX, new FrameGuard());
            int complete = sasl.completeFrame(in);
            assertThat(complete).as("completeFrame on %s", shown).isBetween(-1, in.readableBytes());
            assertThat(complete == -1).as("-1 exactly when a violation is recorded, on %s", shown)
                    .isEqualTo(sasl.violation() != null);
        });
    }

    @Property
    void rawOpenAndCloseDecodeWhateverTheErrorText(@ForAll byte[] description, @ForAll boolean openSent) {
        String text = new String(description, StandardCharsets.UTF_8);
        ErrorCondition error = new ErrorCondition(AmqpErrors.FRAMING_ERROR, text);
        ByteBuffer frames = ByteBuffer.wrap(RawFrames.openAndClose(openSent, "ferrymq", error));
        if (!openSent) {
            assertThat(readFrame(frames)).isInstanceOf(Open.class);
        }
        Object close = readFrame(frames);
        assertThat(close).isInstanceOf(Close.class);
        assertThat(((Close) close).getError().getDescription()).isEqualTo(text);
        assertThat(frames.hasRemaining()).isFalse();
    }

    private static Object readFrame(ByteBuffer b) {
        int start = b.position();
        int size = b.getInt();
        int doff = b.get() & 0xff;
        assertThat(b.get()).isEqualTo((byte) 0);
        assertThat(b.getShort()).isEqualTo((short) 0);
        b.position(start + doff * 4);
        ByteBuffer body = b.slice();
        body.limit(size - doff * 4);
        Object performative = AmqpCodec.get().decode(body);
        b.position(start + size);
        return performative;
    }
}
