package io.ferrymq.stomp.codec;

import static io.ferrymq.stomp.codec.StompCodecHarness.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StompFrameValueTest {

    @Test
    void firstOccurrenceOfARepeatedHeaderIsItsValue() {
        StompFrame f = StompFrame.of("MESSAGE", null, "foo", "World", "foo", "Hello");

        assertThat(f.header("foo")).isEqualTo("World");
        assertThat(f.header("bar")).isNull();
        assertThat(f.hasHeader("foo")).isTrue();
        assertThat(f.hasHeader("bar")).isFalse();
        assertThat(f.headers()).containsExactly(Map.entry("foo", "World"), Map.entry("foo", "Hello"));
    }

    @Test
    void indexedAccessorsGiveTheEntriesInWireOrder() {
        StompFrame f = StompFrame.of("SEND", null, "destination", "/queue/a", "x", "1", "destination", "/queue/b");

        assertThat(f.headerCount()).isEqualTo(3);
        assertThat(f.headerName(0)).isEqualTo("destination");
        assertThat(f.headerValue(0)).isEqualTo("/queue/a");
        assertThat(f.headerName(2)).isEqualTo("destination");
        assertThat(f.headerValue(2)).isEqualTo("/queue/b");
        assertThat(StompFrame.of("SEND", null).headerCount()).isZero();
    }

    @Test
    void headersCannotBeChangedAndTheBodyIsSharedNotCopied() {
        byte[] body = bytes("abc");
        StompFrame f = StompFrame.of("SEND", body, "k", "v");

        assertThat(f.body()).isSameAs(body);
        assertThatThrownBy(() -> f.headers().add(Map.entry("x", "y"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void builderAppendsInOrderAndBuildsSnapshots() {
        StompFrame.Builder b = StompFrame.builder("SEND").header("a", "1");
        StompFrame first = b.build();
        StompFrame second = b.header("a", "2").body(bytes("x")).build();

        assertThat(first.headers()).containsExactly(Map.entry("a", "1"));
        assertThat(first.bodyLength()).isZero();
        assertThat(second.headers()).containsExactly(Map.entry("a", "1"), Map.entry("a", "2"));
        assertThat(second.body()).isEqualTo(bytes("x"));
    }

    @Test
    void framesWithEqualContentAreEqual() {
        assertThat(StompFrame.of("SEND", bytes("b"), "k", "v"))
                .isEqualTo(StompFrame.of("SEND", bytes("b"), "k", "v"))
                .hasSameHashCodeAs(StompFrame.of("SEND", bytes("b"), "k", "v"))
                .isNotEqualTo(StompFrame.of("SEND", bytes("c"), "k", "v"))
                .isNotEqualTo(StompFrame.of("SEND", bytes("b"), "k", "w"));
        assertThat(StompFrame.of("SEND", null)).isEqualTo(StompFrame.of("SEND", new byte[0]));
    }

    @Test
    void rejectsMalformedConstruction() {
        assertThatThrownBy(() -> StompFrame.of("SEND", null, "only-a-name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StompFrame.of("", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StompFrame.of("SEND", null, "k", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringShowsTheBodySizeNotItsBytes() {
        assertThat(StompFrame.of("SEND", bytes("secret"), "k", "v").toString())
                .contains("SEND", "k=v", "6 bytes")
                .doesNotContain("secret");
    }

    @Test
    void versionsParseFromTheirWireText() {
        assertThat(StompVersion.parse("1.0")).contains(StompVersion.V1_0);
        assertThat(StompVersion.parse("1.1")).contains(StompVersion.V1_1);
        assertThat(StompVersion.parse("1.2")).contains(StompVersion.V1_2);
        assertThat(StompVersion.parse("2.0")).isEqualTo(Optional.empty());
        assertThat(StompVersion.parse(" 1.2")).isEmpty();
        assertThat(StompVersion.parse(null)).isEmpty();
        assertThat(StompVersion.V1_2.text()).isEqualTo("1.2");
    }
}
