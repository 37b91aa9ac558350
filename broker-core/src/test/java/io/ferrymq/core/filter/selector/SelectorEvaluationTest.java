package io.ferrymq.core.filter.selector;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A table of selectors, one per operator and form, against one message with typed properties. */
class SelectorEvaluationTest {

    private static final MapFilterable MESSAGE = MapFilterable.of(
            "color", "red",
            "size", 10,
            "weight", 2.5d,
            "count", 3L,
            "tiny", (byte) 1,
            "small", (short) 2,
            "ratio", 0.5f,
            "negative", -5,
            "big", Long.MAX_VALUE,
            "isVip", true,
            "isNew", false,
            "name", "O'Brien",
            "empty", "",
            "path", "a_b%c",
            "underscored", "_abc",
            "code", 'A');

    static Stream<Arguments> table() {
        return Stream.of(
                // string equality is exact and case-sensitive
                arguments("color = 'red'", true),
                arguments("'red' = color", true),
                arguments("color = 'RED'", false),
                arguments("color = 'red '", false),
                arguments("color <> 'red'", false),
                arguments("color <> 'blue'", true),
                arguments("name = 'O''Brien'", true),
                arguments("empty = ''", true),
                arguments("code = 'A'", true),
                // booleans
                arguments("isVip = TRUE", true),
                arguments("isVip = true", true),
                arguments("isNew = FALSE", true),
                arguments("isNew = TRUE", false),
                arguments("isVip <> isNew", true),
                arguments("isVip", true),
                arguments("isNew", false),
                arguments("NOT isNew", true),
                arguments("TRUE", true),
                arguments("FALSE", false),
                // the six comparison operators on an Integer property
                arguments("size = 10", true),
                arguments("size <> 10", false),
                arguments("size <> 11", true),
                arguments("size < 11", true),
                arguments("size < 10", false),
                arguments("size <= 10", true),
                arguments("size <= 9", false),
                arguments("size > 9", true),
                arguments("size > 10", false),
                arguments("size >= 10", true),
                arguments("size >= 11", false),
                // every numeric property type
                arguments("weight = 2.5", true),
                arguments("weight > 2", true),
                arguments("weight < 2.5", false),
                arguments("count = 3", true),
                arguments("tiny = 1", true),
                arguments("small = 2", true),
                arguments("ratio = 0.5", true),
                arguments("ratio = .5", true),
                arguments("negative < 0", true),
                arguments("negative = -5", true),
                arguments("big = 9223372036854775807", true),
                arguments("big > 9223372036854775806", true),
                // arithmetic
                arguments("size + 5 = 15", true),
                arguments("size - 15 = -5", true),
                arguments("size * weight = 25", true),
                arguments("size / 3 = 3", true),
                arguments("size / 4.0 = 2.5", true),
                arguments("-size = -10", true),
                arguments("+size = 10", true),
                arguments("size * 2 + 1 = 21", true),
                arguments("size + tiny + small + count = 16", true),
                // AND, OR, NOT
                arguments("color = 'red' AND size = 10", true),
                arguments("color = 'red' AND size = 11", false),
                arguments("color = 'blue' OR size = 10", true),
                arguments("color = 'blue' OR size = 11", false),
                arguments("NOT color = 'blue'", true),
                arguments("isVip AND NOT isNew", true),
                // BETWEEN is inclusive at both ends
                arguments("size BETWEEN 10 AND 20", true),
                arguments("size BETWEEN 1 AND 10", true),
                arguments("size BETWEEN 11 AND 20", false),
                arguments("size BETWEEN 20 AND 1", false),
                arguments("size NOT BETWEEN 11 AND 20", true),
                arguments("size NOT BETWEEN 1 AND 10", false),
                arguments("size NOT BETWEEN 10 AND 20", false),
                arguments("size NOT BETWEEN 1 AND 9", true),
                arguments("weight BETWEEN 2 AND 3", true),
                arguments("size BETWEEN 5 + 5 AND 2 * weight * 4", true),
                // IN
                arguments("color IN ('red', 'green')", true),
                arguments("color IN ('green')", false),
                arguments("color NOT IN ('green', 'blue')", true),
                arguments("color NOT IN ('red')", false),
                arguments("name IN ('O''Brien')", true),
                arguments("code IN ('A', 'B')", true),
                arguments("color IN ('red', 'red')", true),
                arguments("color IN ('r', 're', 'red ', 'Red')", false),
                // LIKE
                arguments("color LIKE 'r%'", true),
                arguments("color LIKE 'r_d'", true),
                arguments("color LIKE 'r_'", false),
                arguments("color LIKE '%e%'", true),
                arguments("color LIKE 'RED'", false),
                arguments("color NOT LIKE 'b%'", true),
                arguments("color NOT LIKE 'r%'", false),
                arguments("path LIKE 'a\\_b\\%c' ESCAPE '\\'", true),
                arguments("path LIKE 'a!_b!%c' ESCAPE '!'", true),
                arguments("underscored LIKE '\\_%' ESCAPE '\\'", true),
                arguments("color LIKE '\\_%' ESCAPE '\\'", false),
                arguments("color LIKE '_%'", true),
                arguments("empty LIKE '%'", true),
                arguments("empty LIKE '_%'", false),
                // IS [NOT] NULL
                arguments("missing IS NULL", true),
                arguments("missing IS NOT NULL", false),
                arguments("color IS NULL", false),
                arguments("color IS NOT NULL", true),
                arguments("isNew IS NOT NULL", true),
                // identifiers are case-sensitive, reserved words are not
                arguments("COLOR = 'red'", false),
                arguments("color in ('red') and size between 1 and 10 or missing is null", true),
                arguments("color Like 'r%' AnD NoT isNew", true),
                // whitespace is space, tab, form feed and line terminators; none is needed around symbols
                arguments("color\t=\n'red'\r\nAND\fsize=10", true),
                arguments("(color='red')AND(size>=10)", true));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("table")
    void evaluatesAgainstTypedProperties(String selector, boolean expected) {
        assertThat(Selector.parse(selector).matches(MESSAGE)).isEqualTo(expected);
    }
}
