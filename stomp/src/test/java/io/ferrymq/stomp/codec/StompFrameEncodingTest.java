package io.ferrymq.stomp.codec;

import static io.ferrymq.stomp.codec.StompCodecHarness.bytes;
import static io.ferrymq.stomp.codec.StompCodecHarness.concat;
import static io.ferrymq.stomp.codec.StompCodecHarness.encode;
import static io.ferrymq.stomp.codec.StompCodecHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StompFrameEncodingTest {

    @Test
    void writesCommandHeadersBlankLineAndNul() {
        byte[] wire = encode(StompVersion.V1_2, StompFrame.of("RECEIPT", null, "receipt-id", "77"));

        assertThat(text(wire)).isEqualTo("RECEIPT\nreceipt-id:77\n\n\0");
    }

    @Test
    void addsContentLengthAfterTheOtherHeadersForANonEmptyBody() {
        byte[] wire = encode(StompVersion.V1_2,
                StompFrame.of("MESSAGE", bytes("hello"), "destination", "/q", "message-id", "1"));

        assertThat(text(wire)).isEqualTo("MESSAGE\ndestination:/q\nmessage-id:1\ncontent-length:5\n\nhello\0");
    }

    @Test
    void contentLengthCountsBytesNotCharacters() {
        byte[] wire = encode(StompVersion.V1_2, StompFrame.of("SEND", bytes("\u00e9\u2713")));

        assertThat(text(wire)).isEqualTo("SEND\ncontent-length:5\n\n\u00e9\u2713\0");
    }

    @Test
    void emptyBodyGetsNoContentLength() {
        byte[] wire = encode(StompVersion.V1_2, StompFrame.of("SEND", new byte[0], "destination", "/q"));

        assertThat(text(wire)).isEqualTo("SEND\ndestination:/q\n\n\0");
    }

    @Test
    void keepsAMatchingContentLengthWhereItIs() {
        byte[] wire = encode(StompVersion.V1_2,
                StompFrame.of("SEND", bytes("abc"), "content-length", "3", "destination", "/q"));

        assertThat(text(wire)).isEqualTo("SEND\ncontent-length:3\ndestination:/q\n\nabc\0");
    }

    @Test
    void refusesAContentLengthThatContradictsTheBody() {
        StompFrame f = StompFrame.of("SEND", bytes("abc"), "content-length", "4");

        assertThatThrownBy(() -> encode(StompVersion.V1_2, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("the frame declares content-length 4 but its body has 3 bytes");
    }

    @Test
    void binaryBodyWithNulsSurvivesTheWire() {
        byte[] body = {0, 1, 0, (byte) 0xfe, 0};
        byte[] wire = encode(StompVersion.V1_2, StompFrame.of("MESSAGE", body, "destination", "/b"));

        assertThat(wire).isEqualTo(concat(bytes("MESSAGE\ndestination:/b\ncontent-length:5\n\n"), body, new byte[] {0}));
        StompFrame decoded = StompCodecHarness.decoder(StompVersion.V1_2).feed(wire, 1).singleFrame();
        assertThat(decoded.body()).isEqualTo(body);
    }

    @Test
    void heartBeatIsASingleLineFeed() {
        assertThat(encode(StompVersion.V1_2, StompFrameEncoder.HEARTBEAT)).containsExactly('\n');
        assertThat(encode(null, StompFrameDecoder.HEARTBEAT)).containsExactly('\n');
    }

    @Test
    void eachFrameIsWrittenIntoOneBuffer() {
        StompFrameEncoder encoder = new StompFrameEncoder();
        encoder.version(StompVersion.V1_2);
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        StompFrame frame = StompFrame.of("MESSAGE", bytes("b\u00f6dy"),
                "destin\u00e4tion", "/q:\u2713\n", "subscription", "s\\1", "message-id", "m\r1");

        ch.writeOutbound(frame, StompFrameEncoder.HEARTBEAT);

        ByteBuf buf = ch.readOutbound();
        ByteBuf beat = ch.readOutbound();
        try {
            assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(
                    "MESSAGE\ndestin\u00e4tion:/q\\c\u2713\\n\nsubscription:s\\\\1\nmessage-id:m\\r1\ncontent-length:5\n\nb\u00f6dy\0");
            assertThat(beat.readableBytes()).isEqualTo(1);
            assertThat((Object) ch.readOutbound()).isNull();
        } finally {
            buf.release();
            beat.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void otherMessagesPassThroughUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(new StompFrameEncoder());
        ByteBuf raw = Unpooled.copiedBuffer("raw", StandardCharsets.US_ASCII);

        ch.writeOutbound(raw, "a string");

        ByteBuf out = ch.readOutbound();
        assertThat(out).isSameAs(raw);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("raw");
        assertThat((Object) ch.readOutbound()).isEqualTo("a string");
        out.release();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SE\nND", "SEND\r", "SE\0ND"})
    void refusesACommandThatWouldBreakTheFrame(String command) {
        StompFrame f = StompFrame.of(command, null);

        assertThatThrownBy(() -> encode(StompVersion.V1_2, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("a command cannot contain a line feed, carriage return or NUL");
    }

    @Test
    void refusesNulInAHeaderInEveryVersion() {
        StompFrame f = StompFrame.of("MESSAGE", null, "k", "a\0b");

        assertThatThrownBy(() -> encode(StompVersion.V1_2, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("a header value cannot contain a NUL in STOMP 1.2");
    }

    @Test
    void refusesAnEmptyHeaderName() {
        StompFrame f = StompFrame.of("MESSAGE", null, "", "v");

        assertThatThrownBy(() -> encode(StompVersion.V1_2, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("a header name cannot be empty");
    }

    @Test
    void refusesAnUnpairedSurrogate() {
        StompFrame f = StompFrame.of("MESSAGE", null, "k", "a\ud800b");

        assertThatThrownBy(() -> encode(StompVersion.V1_2, f))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseMessage("a header value cannot contain an unpaired surrogate in STOMP 1.2");
    }

    @Test
    void encodesSupplementaryCharacters() {
        byte[] wire = encode(StompVersion.V1_2, StompFrame.of("MESSAGE", null, "emoji", "\ud83d\ude80"));

        assertThat(text(wire)).isEqualTo("MESSAGE\nemoji:\ud83d\ude80\n\n\0");
    }

    @Test
    void versionChangesApplyToLaterWrites() {
        StompFrameEncoder encoder = new StompFrameEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        StompFrame f = StompFrame.of("MESSAGE", null, "k", "a\\b");

        ch.writeOutbound(f);
        encoder.version(StompVersion.V1_2);
        ch.writeOutbound(f);

        ByteBuf first = ch.readOutbound();
        ByteBuf second = ch.readOutbound();
        assertThat(first.toString(StandardCharsets.UTF_8)).isEqualTo("MESSAGE\nk:a\\b\n\n\0");
        assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo("MESSAGE\nk:a\\\\b\n\n\0");
        first.release();
        second.release();
        ch.finishAndReleaseAll();
    }
}
