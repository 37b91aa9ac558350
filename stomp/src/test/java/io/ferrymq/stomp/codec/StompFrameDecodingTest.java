package io.ferrymq.stomp.codec;

import static io.ferrymq.stomp.codec.StompCodecHarness.bytes;
import static io.ferrymq.stomp.codec.StompCodecHarness.concat;
import static io.ferrymq.stomp.codec.StompCodecHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StompFrameDecodingTest {

    @Test
    void decodesCommandHeadersInWireOrderAndBody() {
        StompFrame f = StompCodecHarness.decoder()
                .feed("SEND\ndestination:/queue/a\ncontent-type:text/plain\nreceipt:r-1\n\nhello queue a\0")
                .singleFrame();

        assertThat(f.command()).isEqualTo("SEND");
        assertThat(f.headers()).containsExactly(
                Map.entry("destination", "/queue/a"),
                Map.entry("content-type", "text/plain"),
                Map.entry("receipt", "r-1"));
        assertThat(text(f.body())).isEqualTo("hello queue a");
    }

    @Test
    void namesCloseToTheCommonOnesAndFramesOfManyHeadersDecodeAsSent() {
        StringBuilder many = new StringBuilder("SEND\ndestination:/queue/many\n");
        for (int i = 0; i < 40; i++) {
            many.append("h").append(i).append(':').append(i).append('\n');
        }
        many.append("\n\0");
        List<StompFrame> frames = StompCodecHarness.decoder()
                .feed(many + "SENDX\ndestinatio:a\nDestination:b\ndestinationx:c\nid:7\n\n\0").frames();

        assertThat(frames.get(0).headerCount()).isEqualTo(41);
        assertThat(frames.get(0).header("h39")).isEqualTo("39");
        assertThat(frames.get(1).command()).isEqualTo("SENDX");
        assertThat(frames.get(1).headers()).containsExactly(
                Map.entry("destinatio", "a"), Map.entry("Destination", "b"), Map.entry("destinationx", "c"),
                Map.entry("id", "7"));
    }

    @Test
    void decodesFrameWithoutHeadersOrBody() {
        StompFrame f = StompCodecHarness.decoder().feed("DISCONNECT\n\n\0").singleFrame();

        assertThat(f.command()).isEqualTo("DISCONNECT");
        assertThat(f.headers()).isEmpty();
        assertThat(f.body()).isEmpty();
    }

    @Test
    void passesUnknownAndLowerCaseCommandsThroughUnvalidated() {
        List<StompFrame> frames = StompCodecHarness.decoder().feed("send\n\n\0FROB\n\n\0").frames();

        assertThat(frames).extracting(StompFrame::command).containsExactly("send", "FROB");
    }

    @Test
    void decodesSeveralFramesFromOneBuffer() {
        StompCodecHarness h = StompCodecHarness.decoder()
                .feed("SEND\ndestination:/a\n\none\0SEND\ndestination:/b\n\ntwo\0ACK\nid:7\n\n\0");

        List<StompFrame> frames = h.frames();
        assertThat(frames).extracting(StompFrame::command).containsExactly("SEND", "SEND", "ACK");
        assertThat(frames).extracting(f -> text(f.body())).containsExactly("one", "two", "");
        assertThat(frames.get(2).header("id")).isEqualTo("7");
        assertThat(h.errors()).isEmpty();
    }

    /** A stream touching every decoder state, with CRLF, NULs in a counted body and heart-beats. */
    private static byte[] mixedStream() {
        return concat(
                bytes("\n\r\n"),
                bytes("CONNECT\r\naccept-version:1.2\r\nhost:h\r\n\r\n\0\n"),
                bytes("SEND\ndestination:/q\ncontent-length:5\n\n"), new byte[] {1, 0, 2, 0, 3}, new byte[] {0},
                bytes("SEND\ndestination:/\u00e9t\u00e9\ncontent-type:text/plain;charset=utf-8\n\n\u00fcber \u2713\0\r\n"),
                bytes("MESSAGE\nfoo:World\nfoo:Hello\n\n\0"));
    }

    @ParameterizedTest(name = "chunks of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 5, 7, 16, 64, Integer.MAX_VALUE})
    void splitReadsDecodeTheSameAsOneRead(int chunkSize) {
        StompCodecHarness h = StompCodecHarness.decoder().feed(mixedStream(), chunkSize);

        List<Object> messages = h.messages();
        assertThat(h.errors()).isEmpty();
        assertThat(messages).hasSize(8);
        assertThat(messages.subList(0, 2)).containsOnly(StompFrameDecoder.HEARTBEAT);
        StompFrame connect = (StompFrame) messages.get(2);
        assertThat(connect.headers()).containsExactly(Map.entry("accept-version", "1.2"), Map.entry("host", "h"));
        assertThat(messages.get(3)).isSameAs(StompFrameDecoder.HEARTBEAT);
        StompFrame binary = (StompFrame) messages.get(4);
        assertThat(binary.body()).containsExactly(1, 0, 2, 0, 3);
        StompFrame utf8 = (StompFrame) messages.get(5);
        assertThat(utf8.header("destination")).isEqualTo("/\u00e9t\u00e9");
        assertThat(text(utf8.body())).isEqualTo("\u00fcber \u2713");
        assertThat(messages.get(6)).isSameAs(StompFrameDecoder.HEARTBEAT);
        assertThat(((StompFrame) messages.get(7)).header("foo")).isEqualTo("World");
    }

    @ParameterizedTest
    @EnumSource(StompVersion.class)
    void acceptsCrlfLineEndingsInEveryVersion(StompVersion version) {
        StompFrame f = StompCodecHarness.decoder(version)
                .feed("SEND\r\ndestination:/queue/a\r\nreceipt:77\r\n\r\nbody\r\n\0")
                .singleFrame();

        assertThat(f.command()).isEqualTo("SEND");
        assertThat(f.headers()).containsExactly(Map.entry("destination", "/queue/a"), Map.entry("receipt", "77"));
        assertThat(text(f.body())).as("the body is not line-oriented, its CRLF is content").isEqualTo("body\r\n");
    }

    @Test
    void repeatedHeadersKeepAllEntriesButTheFirstWins() {
        StompFrame f = StompCodecHarness.decoder(StompVersion.V1_2)
                .feed("MESSAGE\nfoo:World\nbar:x\nfoo:Hello\n\n\0")
                .singleFrame();

        assertThat(f.header("foo")).isEqualTo("World");
        assertThat(f.headers()).containsExactly(
                Map.entry("foo", "World"), Map.entry("bar", "x"), Map.entry("foo", "Hello"));
    }

    @ParameterizedTest
    @EnumSource(StompVersion.class)
    void laterColonsBelongToTheValueAndNothingIsTrimmed(StompVersion version) {
        StompFrame f = StompCodecHarness.decoder(version)
                .feed("SEND\nurl:http://host:61613/x\n padded : both sides \nempty:\n\n\0")
                .singleFrame();

        assertThat(f.headers()).containsExactly(
                Map.entry("url", "http://host:61613/x"),
                Map.entry(" padded ", " both sides "),
                Map.entry("empty", ""));
    }

    @Test
    void binaryBodyWithNulsIsReadByContentLength() {
        byte[] body = {0, 0, 'a', 0, (byte) 0xff, '\n', 0};
        byte[] wire = concat(bytes("SEND\ndestination:/b\ncontent-length:7\n\n"), body, new byte[] {0});

        StompFrame f = StompCodecHarness.decoder().feed(wire, 1).singleFrame();

        assertThat(f.body()).isEqualTo(body);
        assertThat(f.header("content-length")).isEqualTo("7");
    }

    @Test
    void zeroContentLengthMeansEmptyBody() {
        StompFrame f = StompCodecHarness.decoder().feed("SEND\ncontent-length:0\n\n\0").singleFrame();

        assertThat(f.body()).isEmpty();
    }

    @Test
    void onlyTheFirstContentLengthCounts() {
        StompFrame f = StompCodecHarness.decoder()
                .feed("SEND\ncontent-length:3\ncontent-length:5\n\nabc\0")
                .singleFrame();

        assertThat(text(f.body())).isEqualTo("abc");
    }

    @Test
    void withoutContentLengthTheBodyEndsAtTheFirstNul() {
        List<Object> messages = StompCodecHarness.decoder().feed("SEND\n\nline1\nline2\0\n").messages();

        assertThat(messages).hasSize(2);
        assertThat(text(((StompFrame) messages.get(0)).body())).isEqualTo("line1\nline2");
        assertThat(messages.get(1)).isSameAs(StompFrameDecoder.HEARTBEAT);
    }

    @Test
    void missingNulAfterContentLengthBytesIsAProtocolError() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\ncontent-length:3\n\nabcd\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("expected NUL after content-length bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "", " 5", "5 ", "+5", "0x10", "1.0"})
    void invalidContentLengthIsAProtocolError(String value) {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\ncontent-length:" + value + "\n\nabc\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessageStartingWith("invalid content-length");
    }

    @Test
    void everyEolBetweenFramesIsOneHeartBeat() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("\n\r\n\nSEND\n\n\0\n\n");

        List<Object> messages = h.messages();
        assertThat(messages).hasSize(6);
        assertThat(messages).filteredOn(m -> m == StompFrameDecoder.HEARTBEAT).hasSize(5);
        assertThat(messages.get(3)).isInstanceOf(StompFrame.class);
    }

    @Test
    void crlfHeartBeatSplitAcrossReadsIsOneHeartBeat() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("\r");
        assertThat(h.messages()).isEmpty();

        h.feed("\n");
        assertThat(h.messages()).containsExactly(StompFrameDecoder.HEARTBEAT);
    }

    @Test
    void heartBeatMarkerIsSharedWithTheEncoder() {
        assertThat(StompFrameDecoder.HEARTBEAT).isSameAs(StompFrameEncoder.HEARTBEAT).isSameAs(StompHeartbeat.INSTANCE);
    }

    @Test
    void headerLineWithoutColonIsAProtocolError() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\ndestination\n\n\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessageContaining("no ':'");
    }

    @Test
    void emptyHeaderNameIsAProtocolError() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\n:value\n\n\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessageContaining("empty header name");
    }

    @Test
    void frameStartingWithNulHasAnEmptyCommand() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("\n\0SEND\n\n\0");

        assertThat(h.messages()).containsExactly(StompFrameDecoder.HEARTBEAT);
        assertThat(h.singleError()).hasMessageContaining("empty command");
    }

    @Test
    void nulBeforeTheBlankLineIsAProtocolError() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\ndestination:/q\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessageContaining("unexpected NUL");
    }

    @Test
    void invalidUtf8InAHeaderIsAProtocolError() {
        byte[] wire = concat(bytes("SEND\nname:"), new byte[] {(byte) 0xc3, (byte) 0x28}, bytes("\n\n\0"));

        StompCodecHarness h = StompCodecHarness.decoder().feed(wire);

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("a header value is not valid UTF-8");
    }

    @Test
    void inputAfterAProtocolErrorIsDiscarded() {
        StompCodecHarness h = StompCodecHarness.decoder().feed("SEND\nbroken\n\n\0SEND\n\nok\0");
        h.feed("SEND\n\nstill ignored\0\n\n").feed("garbage \u0000\u0001:::\n\n", 1);

        assertThat(h.messages()).isEmpty();
        assertThat(h.errors()).hasSize(1);
        assertThat(h.channel.isOpen()).as("closing is the connection handler's job").isTrue();
    }

    @Test
    void largeBodyArrivingInSmallReadsIsDecodedWithoutRescanning() {
        byte[] body = new byte[8 * 1024 * 1024];
        Arrays.fill(body, (byte) 'x');
        byte[] wire = concat(bytes("SEND\ndestination:/big\n\n"), body, new byte[] {0});

        // Rescanning the buffered body on every 512-byte read is ~64 G comparisons; a linear
        // decoder takes milliseconds, so the generous bound only catches the quadratic case.
        StompFrame f = assertTimeout(Duration.ofSeconds(20), () -> StompCodecHarness.decoder().feed(wire, 512).singleFrame());

        assertThat(f.bodyLength()).isEqualTo(body.length);
        assertThat(f.body()).isEqualTo(body);
    }
}
