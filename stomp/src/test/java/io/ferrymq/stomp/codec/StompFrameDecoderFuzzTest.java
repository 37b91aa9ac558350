package io.ferrymq.stomp.codec;

import io.ferrymq.core.testing.DecoderProbe;
import io.ferrymq.core.testing.FuzzInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged and random input to the STOMP decoder: it decodes frames within its limits or fires one
 * {@link StompProtocolException}, never another exception, never hangs, and never allocates in proportion
 * to a length it was told rather than to the bytes it received. Tries: {@code -Dfuzz.tries=N} (jqwik's {@code jqwik.tries.default}).
 */
class StompFrameDecoderFuzzTest {

    private static final StompLimits SMALL = new StompLimits(4096, 16, 512);
    private static final DecoderProbe PROBE = new DecoderProbe(Duration.ofSeconds(10));

    private static final List<byte[]> SEEDS = List.of(
            bytes("CONNECT\naccept-version:1.0,1.1,1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:1000,1000\n\n\0"),
            bytes("STOMP\naccept-version:1.2\nhost:/\n\n\0"),
            bytes("SEND\ndestination:/queue/a\ncontent-type:text/plain\ncontent-length:5\nreceipt:r1\n\nhello\0\n"),
            bytes("SEND\ndestination:/queue/a\npersistent:true\n\nbody without length\0"),
            bytes("SEND\r\ndestination:/queue/a\r\ncontent-length:3\r\n\r\na\0b\0\r\n\n"),
            bytes("SUBSCRIBE\nid:0\ndestination:/topic/x.y\nack:client-individual\nprefetch-count:10\n\n\0"),
            bytes("ACK\nid:m-1\nreceipt:a\\c\\n\\r\\\\\n\n\0NACK\nid:m-2\n\n\0"),
            bytes("BEGIN\ntransaction:tx1\n\n\0SEND\ndestination:/queue/b\ntransaction:tx1\ncontent-length:0\n\n\0COMMIT\ntransaction:tx1\n\n\0"),
            bytes("\n\r\n\nUNSUBSCRIBE\nid:0\n\n\0DISCONNECT\nreceipt:bye\n\n\0"));

    @AfterContainer
    static void stopProbe() {
        PROBE.close();
    }

    @Provide
    Arbitrary<byte[]> inputs() {
        return FuzzInputs.anyInput(SEEDS, 2048);
    }

    @Provide
    Arbitrary<Integer> chunks() {
        return FuzzInputs.chunkSizes();
    }

    @Property
    void connectRulesDecodeOrRaiseProtocolErrors(@ForAll("inputs") byte[] input, @ForAll("chunks") int chunk) {
        check(StompCodecHarness.decoder(SMALL), SMALL, input, chunk);
    }

    @Property
    void stomp12RulesDecodeOrRaiseProtocolErrors(@ForAll("inputs") byte[] input, @ForAll("chunks") int chunk) {
        StompCodecHarness h = StompCodecHarness.decoder(SMALL);
        h.decoder.version(StompVersion.V1_2);
        check(h, SMALL, input, chunk);
    }

    @Property
    void defaultLimitsDoNotAllocateWhatALengthFieldClaims(@ForAll("inputs") byte[] input) {
        check(StompCodecHarness.decoder(StompVersion.V1_1), StompLimits.defaults(), input, Integer.MAX_VALUE);
    }

    private static void check(StompCodecHarness h, StompLimits limits, byte[] input, int chunk) {
        String shown = HexFormat.of().formatHex(input);
        try {
            // Decoding allocates a few times what it received (frames, strings, the cumulation); never what
            // a header says is coming.
            PROBE.run(shown, DecoderProbe.proportionalTo(input.length), () -> h.feed(input, chunk));
            assertThat(h.errors()).as("errors on %s", shown).allSatisfy(e ->
                    assertThat(e).as("error type on %s", shown).isInstanceOf(StompProtocolException.class));
            assertThat(h.errors()).as("one error at most, then silence, on %s", shown).hasSizeLessThanOrEqualTo(1);
            for (StompFrame f : h.frames()) {
                assertThat(f.headers().size()).as("headers on %s", shown).isLessThanOrEqualTo(limits.maxHeaders());
                assertThat(f.body().length).as("body on %s", shown).isLessThanOrEqualTo(limits.maxFrameBytes());
            }
        } finally {
            h.channel.finishAndReleaseAll();
        }
    }

    private static byte[] bytes(String s) {
        return StompCodecHarness.bytes(s);
    }
}
