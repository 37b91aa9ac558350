package io.ferrymq.stomp.codec;

import static io.ferrymq.stomp.codec.StompCodecHarness.encode;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** decode(encode(f)) == f, for frames whose content-length is already explicit or whose body is empty. */
class StompFrameRoundTripTest {

    private static final String PLAIN = "abcXYZ019 -_/.,;=!?\t\u00e9\u00df\u2713\ud83d\ude80";

    static Stream<Arguments> versionsAndTheirSpecialCharacters() {
        return Stream.of(
                Arguments.of(StompVersion.V1_0, ""),
                Arguments.of(StompVersion.V1_1, ":\n\\"),
                Arguments.of(StompVersion.V1_2, ":\n\\\r"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versionsAndTheirSpecialCharacters")
    void randomFramesSurviveEncodeThenDecode(StompVersion version, String specials) {
        Random random = new Random(42 + version.ordinal());
        String valueAlphabet = PLAIN + specials + (version == StompVersion.V1_0 ? ":\\" : "");
        for (int n = 0; n < 300; n++) {
            StompFrame f = randomFrame(random, specials.isEmpty() ? PLAIN : PLAIN + specials, valueAlphabet);

            StompFrame decoded = decodeOne(version, encode(version, f), 1 + random.nextInt(8));

            assertThat(decoded).isEqualTo(f);
        }
    }

    @ParameterizedTest
    @EnumSource(StompVersion.class)
    void connectFamilyFramesRoundTripUnescapedInEveryVersion(StompVersion version) {
        for (String command : List.of("CONNECT", "STOMP", "CONNECTED")) {
            StompFrame f = StompFrame.of(command, null,
                    "accept-version", "1.0,1.1,1.2", "host", "broker:61613", "login", "a\\b", "heart-beat", "0,0");

            assertThat(decodeOne(version, encode(version, f), 3)).isEqualTo(f);
        }
    }

    private static StompFrame decodeOne(StompVersion version, byte[] wire, int chunkSize) {
        StompCodecHarness h = StompCodecHarness.decoder(version).feed(wire, chunkSize);
        assertThat(h.errors()).isEmpty();
        return h.singleFrame();
    }

    private static StompFrame randomFrame(Random random, String nameAlphabet, String valueAlphabet) {
        StompFrame.Builder b = StompFrame.builder(random.nextBoolean() ? "SEND" : "MESSAGE");
        List<String> names = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            // Reuse names now and then so repeated headers are covered.
            String name = !names.isEmpty() && random.nextInt(4) == 0
                    ? names.get(random.nextInt(names.size()))
                    : "h" + randomString(random, nameAlphabet, 6);
            names.add(name);
            b.header(name, randomString(random, valueAlphabet, 12));
        }
        if (random.nextBoolean()) {
            byte[] body = new byte[random.nextInt(40)];
            random.nextBytes(body);
            b.header("content-length", Integer.toString(body.length)).body(body);
        }
        return b.build();
    }

    private static String randomString(Random random, String alphabet, int maxCodePoints) {
        int[] codePoints = alphabet.codePoints().toArray();
        StringBuilder sb = new StringBuilder();
        int len = random.nextInt(maxCodePoints + 1);
        for (int i = 0; i < len; i++) {
            sb.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return sb.toString();
    }
}
