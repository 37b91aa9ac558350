package io.ferrymq.core.filter.selector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Java numeric promotion in comparisons and arithmetic, and arithmetic that must not throw. */
class SelectorNumericPromotionTest {

    private static final MapFilterable VALUES = MapFilterable.of(
            "b", (byte) 5,
            "s", (short) 5,
            "i", 5,
            "l", 5L,
            "f", 0.5f,
            "d", 5.0d,
            "seven", 7,
            "two", 2,
            "zero", 0,
            "zeroD", 0.0d,
            "negZeroD", -0.0d,
            "nan", Double.NaN,
            "beyondDouble", 9_007_199_254_740_993L,
            "maxLong", Long.MAX_VALUE,
            "minLong", Long.MIN_VALUE,
            "bigInt", 2_000_000_000);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            b = s                                        | true
            s = i                                        | true
            i = l                                        | true
            l = d                                        | true
            i = 5.0                                      | true
            i < 5.5                                      | true
            i > 4.99                                     | true
            f = 0.5                                      | true
            f < i                                        | true
            b + s + i + l = 20                           | true
            i + f = 5.5                                  | true
            l * d = 25                                   | true
            beyondDouble = 9007199254740993              | true
            beyondDouble = 9007199254740992              | false
            beyondDouble > 9007199254740992              | true
            beyondDouble = 9007199254740992.0            | true
            bigInt * 2 = 4000000000                      | true
            bigInt + bigInt > 0                          | true
            maxLong + 1 = minLong                        | true
            minLong / -1 = minLong                       | true
            seven / two = 3                              | true
            -seven / two = -3                            | true
            seven / 2.0 = 3.5                            | true
            seven / two * two = 6                        | true
            7 / 2 = 3                                    | true
            7.0 / 2 = 3.5                                | true
            seven / 0.0 > 1E308                          | true
            -seven / zeroD < -1E308                      | true
            zeroD = negZeroD                             | true
            nan = nan                                    | false
            nan <> nan                                   | true
            nan < 1 OR nan >= 1                          | false
            zeroD / zeroD = zeroD / zeroD                | false
            """)
    void promotesLikeJava(String selector, boolean expected) {
        assertThat(Selector.parse(selector).matches(VALUES)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            seven / zero = 0
            seven / zero <> 0
            seven / 0 > 0
            1 / 0 = 1
            seven / (two - 2) < 1
            """)
    void integerDivisionByZeroIsNull(String selector) {
        Selector s = Selector.parse(selector);

        assertThat(s.matches(VALUES)).isFalse();
        assertThat(Truth.of(selector, VALUES)).isEqualTo(Truth.UNKNOWN);
    }

    @Test
    void constantDivisionByZeroFoldsToNull() {
        assertThat(Selector.parse("x = 1 / 0").parsedForm()).isEqualTo("(x = NULL)");
        assertThat(Selector.parse("(1 / 0) IS NULL").matches(VALUES)).isTrue();
    }
}
