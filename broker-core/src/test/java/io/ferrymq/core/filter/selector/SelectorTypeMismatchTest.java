package io.ferrymq.core.filter.selector;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values of different types never coerce. Per JMS 2.0 §3.8.1.1 comparing non-like types is FALSE
 * (so its negation is TRUE); ordering strings or booleans, and LIKE, IN or arithmetic on values of
 * the wrong type, are UNKNOWN. None of it throws.
 */
class SelectorTypeMismatchTest {

    private static final MapFilterable VALUES = MapFilterable.of(
            "numText", "2",
            "color", "red",
            "size", 10,
            "flag", true,
            "other", false,
            "code", 'A',
            "blob", new byte[] {1, 2, 3});

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            numText = 2                   | FALSE
            numText <> 2                  | FALSE
            numText > 1                   | FALSE
            numText <= 2                  | FALSE
            2 = numText                   | FALSE
            size = '10'                   | FALSE
            size <> '10'                  | FALSE
            flag = 1                      | FALSE
            flag = 'true'                 | FALSE
            size = flag                   | FALSE
            numText BETWEEN 1 AND 3       | FALSE
            numText NOT BETWEEN 1 AND 3   | FALSE
            color < numText               | UNKNOWN
            color >= color                | UNKNOWN
            flag > other                  | UNKNOWN
            numText + 1 = 3               | UNKNOWN
            -color = 1                    | UNKNOWN
            +color = 1                    | UNKNOWN
            size IN ('10')                | UNKNOWN
            size NOT IN ('10')            | UNKNOWN
            flag IN ('true')              | UNKNOWN
            size LIKE '1%'                | UNKNOWN
            size NOT LIKE '1%'            | UNKNOWN
            color                         | UNKNOWN
            size AND TRUE                 | UNKNOWN
            size OR TRUE                  | TRUE
            code = 'A'                    | TRUE
            code = 65                     | FALSE
            code LIKE 'A'                 | TRUE
            code IN ('A', 'B')            | TRUE
            blob = 'x'                    | FALSE
            blob = 1                      | FALSE
            blob = blob                   | FALSE
            blob IS NULL                  | FALSE
            blob IS NOT NULL              | TRUE
            blob LIKE '%'                 | UNKNOWN
            blob IN ('x')                 | UNKNOWN
            blob + 1 = 1                  | UNKNOWN
            """)
    void neverCoercesNorThrows(String condition, Truth expected) {
        assertThat(Truth.of(condition, VALUES)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "NOT ({0}) selects")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            numText = 2
            size = '10'
            flag = 1
            """)
    void negatedMismatchSelects(String condition) {
        assertThat(Selector.parse(condition).matches(VALUES)).isFalse();
        assertThat(Selector.parse("NOT (" + condition + ")").matches(VALUES)).isTrue();
    }
}
