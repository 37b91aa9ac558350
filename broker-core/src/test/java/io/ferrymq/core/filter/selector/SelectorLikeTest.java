package io.ferrymq.core.filter.selector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** LIKE wildcards, escapes and the compiled matcher, including its specialised shapes. */
class SelectorLikeTest {

    static Stream<Arguments> table() {
        return Stream.of(
                // pattern, escape (null for none), input, expected
                arguments("abc", null, "abc", true),
                arguments("abc", null, "abcd", false),
                arguments("abc", null, "ABC", false),
                arguments("", null, "", true),
                arguments("", null, "a", false),
                arguments("a%", null, "a", true),
                arguments("a%", null, "abc", true),
                arguments("a%", null, "ba", false),
                arguments("%c", null, "abc", true),
                arguments("%c", null, "cab", false),
                arguments("%b%", null, "abc", true),
                arguments("%b%", null, "b", true),
                arguments("%b%", null, "ac", false),
                arguments("%", null, "", true),
                arguments("%%", null, "anything", true),
                arguments("_", null, "a", true),
                arguments("_", null, "", false),
                arguments("_", null, "ab", false),
                arguments("a_c", null, "abc", true),
                arguments("a_c", null, "ac", false),
                arguments("__%", null, "ab", true),
                arguments("__%", null, "a", false),
                arguments("%_", null, "", false),
                arguments("a%b%c", null, "aXXbYYc", true),
                arguments("a%b%c", null, "aXXcYYb", false),
                arguments("%iss%ppi", null, "mississippi", true),
                arguments("m%i%i%i", null, "mississippi", true),
                arguments("m%i%i%i%i%i", null, "mississippi", false),
                arguments("%a_a%", null, "xxabaxx", true),
                arguments("%a_a%", null, "xxabbaxx", false),
                // regular-expression characters are plain characters
                arguments("a.c", null, "a.c", true),
                arguments("a.c", null, "abc", false),
                arguments("a*c", null, "a*c", true),
                arguments("a*c", null, "abc", false),
                arguments("(x)[y]{z}^$|+?", null, "(x)[y]{z}^$|+?", true),
                arguments("a\\d", null, "a\\d", true),
                arguments("a\\Q%", null, "a\\Qz", true),
                // wildcards match any character, line breaks included
                arguments("line1%", null, "line1\nline2", true),
                arguments("%_line2", null, "line1\nline2", true),
                arguments("a_b", null, "a\nb", true),
                // a character is a code point
                arguments("_", null, "😀", true),
                arguments("_x", null, "😀x", true),
                arguments("__", null, "a😀", true),
                arguments("%😀", null, "hello😀", true),
                arguments("h_llo", null, "héllo", true),
                // escapes
                arguments("\\_%", "\\", "_abc", true),
                arguments("\\_%", "\\", "abc", false),
                arguments("100\\%", "\\", "100%", true),
                arguments("100\\%", "\\", "1000", false),
                arguments("a\\\\b", "\\", "a\\b", true),
                arguments("%!%%", "!", "50% off", true),
                arguments("%!%%", "!", "50 off", false),
                arguments("!_!_", "!", "__", true),
                arguments("!_!_", "!", "ab", false),
                arguments("100%%", "%", "100%", true),
                arguments("100%%", "%", "1000", false),
                arguments("x😀_", "😀", "x_", true),
                arguments("x😀_", "😀", "xa", false));
    }

    @ParameterizedTest(name = "''{2}'' LIKE ''{0}'' ESCAPE {1} -> {3}")
    @MethodSource("table")
    void matchesLikeSql(String pattern, String escape, String input, boolean expected) {
        String selector = "s LIKE " + quote(pattern) + (escape == null ? "" : " ESCAPE " + quote(escape));
        MapFilterable values = MapFilterable.of("s", input);

        assertThat(Selector.parse(selector).matches(values)).isEqualTo(expected);
        assertThat(Selector.parse(selector.replace(" LIKE ", " NOT LIKE ")).matches(values)).isEqualTo(!expected);
    }

    @Test
    void agreesWithARegularExpressionReference() throws Exception {
        Random random = new Random(20240601L);
        String patternAlphabet = "ab_%";
        String inputAlphabet = "abc";
        for (int round = 0; round < 20_000; round++) {
            String pattern = randomString(random, patternAlphabet, 7);
            String input = randomString(random, inputAlphabet, 9);
            boolean expected = reference(pattern).matcher(input).matches();

            assertThat(LikePattern.compile(pattern, null).matches(input))
                    .as("'%s' LIKE '%s'", input, pattern).isEqualTo(expected);
        }
    }

    @Test
    void pathologicalPatternsStayFast() {
        String input = "a".repeat(20_000);
        Selector selector = Selector.parse("s LIKE '%a%a%a%a%a%a%a%a%a%a%b'");

        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThat(selector.matches(MapFilterable.of("s", input))).isFalse());
    }

    @Test
    void keepsThePatternAsWrittenInItsParsedForm() {
        assertThat(Selector.parse("s LIKE 'a''b\\_%' ESCAPE '\\'").parsedForm())
                .isEqualTo("(s LIKE 'a''b\\_%' ESCAPE '\\')");
    }

    private static Pattern reference(String like) {
        StringBuilder regex = new StringBuilder();
        for (char c : like.toCharArray()) {
            regex.append(c == '_' ? "." : c == '%' ? ".*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static String randomString(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
