package io.ferrymq.core.filter.selector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Literal and identifier syntax: JMS 2.0 defers to Java literal syntax and Java identifier characters. */
class SelectorLiteralTest {

    @ParameterizedTest(name = "{0}  ==>  {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            x = 57                          | (x = 57)
            x = -957                        | (x = -957)
            x = +62                         | (x = 62)
            x = 57L                         | (x = 57)
            x = 57l                         | (x = 57)
            x = 0                           | (x = 0)
            x = 0x1F                        | (x = 31)
            x = 0X1f                        | (x = 31)
            x = 0x1FL                       | (x = 31)
            x = 0x7FFFFFFFFFFFFFFF          | (x = 9223372036854775807)
            x = 0xFFFFFFFFFFFFFFFF          | (x = -1)
            x = 017                         | (x = 15)
            x = 00                          | (x = 0)
            x = 9223372036854775807         | (x = 9223372036854775807)
            x = -9223372036854775808        | (x = -9223372036854775808)
            x = -9223372036854775808L       | (x = -9223372036854775808)
            x = - 9223372036854775808       | (x = -9223372036854775808)
            x = 7E3                         | (x = 7000.0)
            x = 7e3                         | (x = 7000.0)
            x = -57.9E2                     | (x = -5790.0)
            x = 6.2e+1                      | (x = 62.0)
            x = 1e-3                        | (x = 0.001)
            x = 7.                          | (x = 7.0)
            x = .5                          | (x = 0.5)
            x = 95.7                        | (x = 95.7)
            x = 1.5D                        | (x = 1.5)
            x = 1.5F                        | (x = 1.5)
            x = 5f                          | (x = 5.0)
            x = 08.5                        | (x = 8.5)
            x = 'it''s'                     | (x = 'it''s')
            x = ''''                        | (x = '''')
            x = ''                          | (x = '')
            x = TRUE                        | (x = TRUE)
            x = false                       | (x = FALSE)
            x = True                        | (x = TRUE)
            """)
    void parsesLiterals(String selector, String parsedForm) {
        assertThat(Selector.parse(selector).parsedForm()).isEqualTo(parsedForm);
    }

    @Test
    void stringLiteralsKeepEveryCharacter() {
        MapFilterable values = MapFilterable.of("s", "it's a \"test\"\n\ttab % _ \\ é 😀");

        assertThat(Selector.parse("s = 'it''s a \"test\"\n\ttab % _ \\ é 😀'").matches(values)).isTrue();
        assertThat(Selector.parse("s = 'it''s a \"test\"'").matches(values)).isFalse();
    }

    @Test
    void floatLiteralsKeepFloatPrecision() {
        MapFilterable values = MapFilterable.of("ratio", 1.1f, "precise", 1.1d);

        assertThat(Selector.parse("ratio = 1.1F").matches(values)).isTrue();
        // Java promotion: (double) 1.1f is not 1.1, exactly as ratio == 1.1 is false in Java.
        assertThat(Selector.parse("ratio = 1.1").matches(values)).isFalse();
        assertThat(Selector.parse("precise = 1.1").matches(values)).isTrue();
        assertThat(Selector.parse("precise = 1.1F").matches(values)).isFalse();
    }

    @Test
    void extremeLongsCompareExactly() {
        MapFilterable values = MapFilterable.of("min", Long.MIN_VALUE, "max", Long.MAX_VALUE);

        assertThat(Selector.parse("min = -9223372036854775808").matches(values)).isTrue();
        assertThat(Selector.parse("max = 9223372036854775807").matches(values)).isTrue();
        assertThat(Selector.parse("max = 9223372036854775806").matches(values)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            $price = 1      | $price
            _price = 1      | _price
            price2 = 1      | price2
            prix_€ = 1      | prix_€
            größe = 1       | größe
            ın = 1          | ın
            android = 1     | android
            isNull = 1      | isNull
            TRUEISH = 1     | TRUEISH
            nulls = 1       | nulls
            JMSX_Foo = 1    | JMSX_Foo
            """)
    void identifiersUseJavaIdentifierCharactersAndMayContainReservedWords(String selector, String identifier) {
        assertThat(Selector.parse(selector).matches(MapFilterable.of(identifier, 1))).isTrue();
        assertThat(Selector.parse(selector).matches(MapFilterable.of("other", 1))).isFalse();
    }

    @Test
    void bareBooleanLiteralsAreSelectors() {
        MapFilterable none = MapFilterable.of();

        assertThat(Selector.parse("TRUE").matches(none)).isTrue();
        assertThat(Selector.parse("true").matches(none)).isTrue();
        assertThat(Selector.parse("FALSE").matches(none)).isFalse();
        assertThat(Selector.parse("NOT FALSE").matches(none)).isTrue();
        assertThat(Selector.parse("(TRUE)").matches(none)).isTrue();
    }

    @Test
    void bareBooleanIdentifierIsASelector() {
        Selector vip = Selector.parse("isVip");

        assertThat(vip.matches(MapFilterable.of("isVip", true))).isTrue();
        assertThat(vip.matches(MapFilterable.of("isVip", false))).isFalse();
        assertThat(vip.matches(MapFilterable.of())).isFalse();
        assertThat(vip.matches(MapFilterable.of("isVip", "true"))).isFalse();
        assertThat(vip.matches(MapFilterable.of("isVip", 1))).isFalse();
    }
}
