package io.ferrymq.stomp.codec;

import static io.ferrymq.stomp.codec.StompCodecHarness.encode;
import static io.ferrymq.stomp.codec.StompCodecHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.EncoderException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class StompHeaderEscapingTest {

    // --- decoding ---

    @Test
    void stomp12UnescapesAllFourSequencesInNamesAndValues() {
        StompFrame f = StompCodecHarness.decoder(StompVersion.V1_2)
                .feed("SEND\nk\\ce\\ny:a\\cb\\nc\\\\d\\re\n\n\0")
                .singleFrame();

        assertThat(f.headers()).containsExactly(Map.entry("k:e\ny", "a:b\nc\\d\re"));
    }

    @Test
    void stomp11UnescapesBackslashLineFeedAndColon() {
        StompFrame f = StompCodecHarness.decoder(StompVersion.V1_1)
                .feed("SEND\ndestination:/q\\c1\\n2\\\\3\n\n\0")
                .singleFrame();

        assertThat(f.header("destination")).isEqualTo("/q:1\n2\\3");
    }

    @Test
    void stomp11RejectsTheCarriageReturnEscapeThatOnly12Defines() {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_1).feed("SEND\nk:a\\rb\n\n\0");

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("undefined escape sequence \\r in a header (STOMP 1.1)");
    }

    @ParameterizedTest
    @EnumSource(value = StompVersion.class, names = {"V1_1", "V1_2"})
    void undefinedEscapeIsFatal(StompVersion version) {
        StompCodecHarness h = StompCodecHarness.decoder(version).feed("SEND\nk:a\\tb\n\n\0SEND\n\n\0");

        assertThat(h.messages()).as("the frame after the error is discarded too").isEmpty();
        assertThat(h.singleError()).hasMessage("undefined escape sequence \\t in a header (STOMP " + version.text() + ")");
    }

    @Test
    void undefinedEscapeOfAControlCharacterIsShownWithoutTheRawByte() {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2).feed("SEND\nk:a\\\tb\n\n\0");

        assertThat(h.singleError()).hasMessage("undefined escape sequence backslash followed by U+0009 in a header (STOMP 1.2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SEND\nk:abc\\\n\n\0", "SEND\nk\\:v\n\n\0"})
    void trailingBackslashIsFatalIn12(String wire) {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2).feed(wire);

        assertThat(h.messages()).isEmpty();
        assertThat(h.singleError()).hasMessage("incomplete escape sequence: a header ends with a backslash");
    }

    @Test
    void stomp10DoesNotUnescape() {
        StompFrame f = StompCodecHarness.decoder(StompVersion.V1_0)
                .feed("SEND\npath:c:\\\\temp\\new\\table\n\n\0")
                .singleFrame();

        assertThat(f.header("path")).isEqualTo("c:\\\\temp\\new\\table");
    }

    @Test
    void beforeNegotiationNothingIsUnescaped() {
        StompFrame f = StompCodecHarness.decoder().feed("SEND\nk:a\\cb\\t\n\n\0").singleFrame();

        assertThat(f.header("k")).isEqualTo("a\\cb\\t");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "STOMP", "CONNECTED"})
    void connectFramesAreNeverUnescapedEvenIn12(String command) {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2)
                .feed(command + "\nlogin:dom\\cuser\npasscode:p\\t\\\n\n\0");

        StompFrame f = h.singleFrame();
        assertThat(f.header("login")).isEqualTo("dom\\cuser");
        assertThat(f.header("passcode")).as("would be a fatal escape in any other frame").isEqualTo("p\\t\\");
        assertThat(h.errors()).isEmpty();
    }

    /** What the connection handler does: switch the decoder to the negotiated version on CONNECT. */
    @Test
    void versionSetWhileHandlingConnectAppliesToTheNextFrameInTheSameRead() {
        StompFrameDecoder[] decoder = new StompFrameDecoder[1];
        StompCodecHarness h = StompCodecHarness.decoderWith(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof StompFrame f && f.command().equals("CONNECT")) {
                    decoder[0].version(StompVersion.V1_2);
                }
                ctx.fireChannelRead(msg);
            }
        });
        decoder[0] = h.decoder;

        h.feed("CONNECT\naccept-version:1.2\nhost:a\\cb\n\n\0SEND\ndestination:/q\\c1\n\n\0");

        var frames = h.frames();
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).header("host")).isEqualTo("a\\cb");
        assertThat(frames.get(1).header("destination")).isEqualTo("/q:1");
    }

    @Test
    void escapedContentLengthNameIsStillContentLength() {
        StompFrame f = StompCodecHarness.decoder(StompVersion.V1_2)
                .feed("SEND\ncontent\\\\length:1\ncontent-length:2\n\nab\0")
                .singleFrame();

        assertThat(f.headers()).extracting(Map.Entry::getKey).containsExactly("content\\length", "content-length");
        assertThat(text(f.body())).isEqualTo("ab");
    }

    // --- encoding ---

    @Test
    void stomp12EscapesAllFourCharactersInNamesAndValues() {
        byte[] wire = encode(StompVersion.V1_2, StompFrame.of("MESSAGE", null, "k:e\ny", "a:b\nc\\d\re"));

        assertThat(text(wire)).isEqualTo("MESSAGE\nk\\ce\\ny:a\\cb\\nc\\\\d\\re\n\n\0");
    }

    @Test
    void stomp11EscapesBackslashLineFeedAndColon() {
        byte[] wire = encode(StompVersion.V1_1, StompFrame.of("MESSAGE", null, "destination", "/q:1\n2\\3"));

        assertThat(text(wire)).isEqualTo("MESSAGE\ndestination:/q\\c1\\n2\\\\3\n\n\0");
    }

    @Test
    void stomp11CannotCarryACarriageReturn() {
        StompFrame f = StompFrame.of("MESSAGE", null, "k", "a\rb");

        assertThatThrownBy(() -> encode(StompVersion.V1_1, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("a header value cannot contain a carriage return in STOMP 1.1");
    }

    @Test
    void stomp10WritesHeadersVerbatim() {
        byte[] wire = encode(StompVersion.V1_0, StompFrame.of("MESSAGE", null, "path", "c:\\temp\\new"));

        assertThat(text(wire)).isEqualTo("MESSAGE\npath:c:\\temp\\new\n\n\0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a\0b"})
    void stomp10RefusesValuesThatWouldBreakTheFrame(String value) {
        StompFrame f = StompFrame.of("MESSAGE", null, "k", value);

        assertThatThrownBy(() -> encode(StompVersion.V1_0, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unescapedHeaderNameCannotContainAColon() {
        StompFrame f = StompFrame.of("MESSAGE", null, "a:b", "v");

        assertThatThrownBy(() -> encode(StompVersion.V1_0, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("a header name cannot contain a colon without header escaping");
    }

    @ParameterizedTest
    @EnumSource(StompVersion.class)
    void connectedFrameIsNeverEscaped(StompVersion version) {
        byte[] wire = encode(version, StompFrame.of("CONNECTED", null, "version", version.text(), "server", "ferrymq:1\\x"));

        assertThat(text(wire)).isEqualTo("CONNECTED\nversion:" + version.text() + "\nserver:ferrymq:1\\x\n\n\0");
    }

    @Test
    void beforeAVersionIsSetNothingIsEscaped() {
        byte[] wire = encode(null, StompFrame.of("ERROR", null, "message", "bad: thing\\"));

        assertThat(text(wire)).isEqualTo("ERROR\nmessage:bad: thing\\\n\n\0");
    }
}
