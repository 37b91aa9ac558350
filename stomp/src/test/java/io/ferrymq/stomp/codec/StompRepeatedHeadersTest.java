package io.ferrymq.stomp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decoder hands out one String for a header name or value repeated frame after frame, never a wrong one. */
class StompRepeatedHeadersTest {

    private static List<StompFrame> frames(StompCodecHarness h) {
        return h.messages().stream().map(StompFrame.class::cast).toList();
    }

    @Test
    void aRepeatedDestinationAndHeaderNameAreTheSameStringInEveryFrame() {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2);
        for (int i = 0; i < 50; i++) {
            h.feed("SEND\ndestination:/queue/orders\nbench_seq:" + i + "\nreceipt:r-" + i + "\n\n\0");
        }
        List<StompFrame> f = frames(h);

        assertThat(f).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(f.get(i).header("destination")).isSameAs(f.get(0).header("destination"));
            assertThat(f.get(i).headers()).containsExactly(Map.entry("destination", "/queue/orders"),
                    Map.entry("bench_seq", Integer.toString(i)), Map.entry("receipt", "r-" + i));
            assertThat(f.get(i).headers().get(1).getKey()).isSameAs(f.get(0).headers().get(1).getKey());
        }
    }

    @Test
    void octetsDecodedWithoutEscapingAreDecodedAgainUnderTheNextFramesEscaping() {
        // A CONNECT frame's headers are not escaped; the same octets in a later SEND are.
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2)
                .feed("CONNECT\nlogin:a\\cb\n\n\0")
                .feed("SEND\nlogin:a\\cb\n\n\0");
        List<StompFrame> f = frames(h);

        assertThat(f.get(0).header("login")).isEqualTo("a\\cb");
        assertThat(f.get(1).header("login")).isEqualTo("a:b");
    }

    @Test
    void valuesThatDifferOnlyInTheirLastOctetAreToldApart() {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2)
                .feed("SEND\nk:value-1\n\n\0SEND\nk:value-2\n\n\0SEND\nk:value-1\n\n\0SEND\nk:välue-1\n\n\0");
        List<StompFrame> f = frames(h);

        assertThat(f).extracting(x -> x.header("k")).containsExactly("value-1", "value-2", "value-1", "välue-1");
    }

    @Test
    void manyOneOffValuesDoNotPushOutAValueRepeatedInEveryFrame() {
        StompCodecHarness h = StompCodecHarness.decoder(StompVersion.V1_2);
        for (int i = 0; i < 40; i++) {
            h.feed("SEND\ndestination:/queue/q\na:x" + i + "\nb:y" + i + "\nc:z" + i + "\n\n\0");
        }
        List<StompFrame> f = frames(h);

        assertThat(f).extracting(x -> x.header("destination")).allSatisfy(d -> assertThat(d).isSameAs(
                f.get(0).header("destination")));
    }
}
