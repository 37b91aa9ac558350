package io.ferrymq.stomp.codec;

import static io.ferrymq.stomp.codec.StompCodecHarness.bytes;
import static io.ferrymq.stomp.codec.StompCodecHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StompFrameLimitsTest {

    /** Feeds one byte at a time and returns how many bytes went in before the first error. */
    private static int bytesFedUntilError(StompCodecHarness h, byte[] wire) {
        for (int i = 0; i < wire.length; i++) {
            h.feed(new byte[] {wire[i]});
            if (!h.errors().isEmpty()) {
                return i + 1;
            }
        }
        throw new AssertionError("no error after all " + wire.length + " bytes");
    }

    @Test
    void defaultsAreSixteenMebibytesAThousandHeadersAndSixtyFourKibibyteLines() {
        assertThat(StompLimits.defaults()).isEqualTo(new StompLimits(16 * 1024 * 1024, 1000, 64 * 1024));
    }

    @Test
    void limitsMustBeUsable() {
        assertThatThrownBy(() -> new StompLimits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StompLimits(1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StompLimits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() {
        String wire = "SEND\n\n" + "x".repeat(93) + "\0"; // 6 + 93 + 1 = 100
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100, 10, 50)).feed(wire);

        assertThat(h.singleFrame().bodyLength()).isEqualTo(93);
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void frameOneByteOverTheLimitIsRejectedWithItsSize() {
        String wire = "SEND\n\n" + "x".repeat(94) + "\0";
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100, 10, 50)).feed(wire);

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("frame too large: 101 bytes, the limit is 100");
    }

    @Test
    void unterminatedBodyFailsAsSoonAsItPassesTheLimit() {
        byte[] wire = bytes("SEND\n\n" + "x".repeat(10_000));
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100, 10, 50));

        int fed = bytesFedUntilError(h, wire);

        assertThat(fed).as("fails before buffering past the limit").isEqualTo(100);
        assertThat(h.singleError()).hasMessage("frame too large: at least 101 bytes, the limit is 100");
    }

    @Test
    void declaredContentLengthOverTheLimitFailsBeforeTheBodyArrives() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\ndestination:/q\ncontent-length:17825792\n");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("frame too large: content-length is 17825792 bytes, the limit is 16777216");
    }

    @Test
    void contentLengthThatFitsAloneButNotWithTheHeadersFailsAtTheBlankLine() {
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100, 10, 50))
                .feed("SEND\ncontent-length:90\n\n"); // 24 bytes of headers + 90 + NUL

        assertThat(h.singleError()).hasMessage("frame too large: 115 bytes, the limit is 100");
    }

    @Test
    void absurdContentLengthIsReportedAsTooLarge() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\ncontent-length:99999999999999999999999\n");

        assertThat(h.singleError())
                .hasMessage("frame too large: content-length is more than 2147483647 bytes, the limit is 16777216");
    }

    @Test
    void headersAloneCanMakeAFrameTooLarge() {
        StringBuilder wire = new StringBuilder("SEND\n");
        for (int i = 0; i < 10; i++) {
            wire.append("header-").append(i).append(":value\n"); // 15 bytes each
        }
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100, 1000, 50)).feed(wire.toString());

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessageStartingWith("frame too large: at least ").hasMessageEndingWith(", the limit is 100");
    }

    @Test
    void exactlyMaxHeadersIsAccepted() {
        StompFrame f = StompCodecHarness.decoder(new StompLimits(1000, 3, 50))
                .feed("SEND\na:1\nb:2\na:3\n\n\0")
                .singleFrame();

        assertThat(f.headers()).hasSize(3);
    }

    @Test
    void oneHeaderMoreThanTheLimitIsRejected() {
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(1000, 3, 50))
                .feed("SEND\na:1\nb:2\na:3\nc:4\n\n\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("too many headers: at least 4, the limit is 3");
    }

    @Test
    void headerLineOfExactlyTheLimitIsAcceptedWithLfOrCrlf() {
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(1000, 10, 10))
                .feed("SEND\nk:12345678\n\n\0SEND\r\nk:12345678\r\n\r\n\0");

        assertThat(h.frames()).extracting(f -> f.header("k")).containsExactly("12345678", "12345678");
        assertThat(h.errors()).isEmpty();
    }

    @Test
    void headerLineOverTheLimitIsRejectedWithItsLength() {
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(1000, 10, 10))
                .feed("SEND\nk:123456789\n\n\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("header line too long: 11 bytes, the limit is 10");
    }

    @Test
    void endlessHeaderLineFailsWithoutWaitingForItsEnd() {
        byte[] wire = bytes("SEND\nk:" + "v".repeat(10_000));
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100_000, 10, 10));

        int fed = bytesFedUntilError(h, wire);

        assertThat(fed).as("command line + limit + a possible CR + one").isEqualTo(5 + 12);
        assertThat(h.singleError()).hasMessage("header line too long: at least 11 bytes, the limit is 10");
    }

    @Test
    void commandLineIsBoundByTheLineLimitToo() {
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(1000, 10, 4)).feed("CONNECT\n\n\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("command line too long: 7 bytes, the limit is 4");
    }

    @Test
    void inputAfterALimitErrorIsDiscarded() {
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(1000, 1, 100))
                .feed("SEND\na:1\nb:2\n\n\0");
        h.feed("SEND\n\nfine\0").feed("\n\n");

        assertThat(h.messages()).isEmpty();
        assertThat(h.errors()).hasSize(1);
    }

    @Test
    void framesAfterAnAcceptedLargeFrameStartTheirCountAfresh() {
        String frame = "SEND\n\n" + "x".repeat(93) + "\0";
        StompCodecHarness h = StompCodecHarness.decoder(new StompLimits(100, 10, 50)).feed(frame + "\n" + frame, 1);

        assertThat(h.frames()).hasSize(2).allSatisfy(f -> assertThat(text(f.body())).hasSize(93));
        assertThat(h.errors()).isEmpty();
    }
}
