package io.ferrymq.core.routing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Name patterns used by policies and permissions: matching, and ordering by specificity. */
class NamePatternTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "orders        | orders          | true",
            "orders        | orders.eu       | false",
            "orders        | Orders          | false",
            "orders.*      | orders.eu       | true",
            "orders.*      | orders          | false",
            "orders.*      | orders.eu.new   | false",
            "orders.#      | orders          | true",
            "orders.#      | orders.eu.new   | true",
            "orders.#      | ordersX         | false",
            "#             | anything        | true",
            "#             | a.b.c           | true",
            "#.#           | a               | true",
            "*.eu.*        | orders.eu.new   | true",
            "*.eu.*        | orders.us.new   | false",
            "a.#.z         | a.z             | true",
            "a.#.z         | a.b.c.z         | true",
            "a.#.z         | a.b.c           | false",
    })
    void matches(String pattern, String name, boolean expected) {
        assertThat(NamePattern.of(pattern).matches(name)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' covers ''{1}'': {2}")
    @CsvSource(delimiter = '|', value = {
            "sensors.*     | sensors.temp    | true",
            "sensors.*     | sensors.*       | true",
            "sensors.*     | sensors.#       | false",
            "sensors.*     | sensors.a.b     | false",
            "sensors.#     | sensors.#       | true",
            "sensors.#     | sensors.*.temp  | true",
            "sensors.#     | sensors         | true",
            "sensors.#     | #               | false",
            "sensors.#     | *.temp          | false",
            "*             | #               | false",
            "*             | *               | true",
            "#             | #               | true",
            "#             | a.*.#           | true",
            "a.#.z         | a.#.z           | true",
            "a.#.z         | a.*.z           | true",
            "a.#.z         | a.#             | false",
            "a.b           | a.b             | true",
            "a.b           | a.*             | false",
    })
    void coversAnotherPatternOnlyWhenItMatchesEverythingThatOneCan(String pattern, String other, boolean expected) {
        assertThat(NamePattern.of(pattern).covers(other)).isEqualTo(expected);
    }

    @Test
    void forNamesWithoutWildcardsCoversIsMatches() {
        for (String p : new String[] {"a.#", "a.*", "#", "*.b", "a.#.b", "a.b"}) {
            for (String n : new String[] {"a", "a.b", "a.x.b", "b", "x.y.z", ""}) {
                assertThat(NamePattern.of(p).covers(n)).as("%s / %s", p, n).isEqualTo(NamePattern.of(p).matches(n));
            }
        }
    }

    @Test
    void aPatternWithoutWildcardsIsLiteral() {
        assertThat(NamePattern.of("a.b").isLiteral()).isTrue();
        assertThat(NamePattern.of("a.*").isLiteral()).isFalse();
        assertThat(NamePattern.of("#").isLiteral()).isFalse();
    }

    @Test
    void patternsAreEqualByText() {
        assertThat(NamePattern.of("a.#")).isEqualTo(NamePattern.of("a.#")).hasSameHashCodeAs(NamePattern.of("a.#"));
        assertThat(NamePattern.of("a.#")).isNotEqualTo(NamePattern.of("a.*"));
        assertThat(NamePattern.of("a.#").text()).isEqualTo("a.#");
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> NamePattern.of(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mostSpecificFirstPutsLiteralWordsBeforeWildcards() {
        List<String> expected = List.of("orders.eu", "orders.*", "orders.#", "#");

        assertThat(sorted(expected)).isEqualTo(expected);
    }

    @Test
    void mostSpecificFirstRanksByLiteralWordsThenManyWordWildcardsThenLength() {
        List<String> expected = List.of(
                "a.b.c",     // three literal words
                "a.*.c",     // two literal words, no '#'
                "a.b.#",     // two literal words, one '#'
                "a.*.*",     // one literal word, no '#', longer
                "a.*",       // one literal word, no '#', shorter
                "a.#",       // one literal word, one '#'
                "*.*",       // no literal words
                "#");
        assertThat(sorted(expected)).isEqualTo(expected);
    }

    private static List<String> sorted(List<String> texts) {
        List<String> shuffled = new ArrayList<>(texts);
        Collections.shuffle(shuffled, new Random(42));
        return shuffled.stream().map(NamePattern::of).sorted(NamePattern.MOST_SPECIFIC_FIRST)
                .map(NamePattern::text).toList();
    }
}
