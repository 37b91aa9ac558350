package io.ferrymq.core.filter.selector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operator precedence and associativity: OR < AND < NOT < comparison < + - < * / < unary sign.
 * Checked both on the parsed form and on results that a wrong precedence would change.
 */
class SelectorPrecedenceTest {

    @ParameterizedTest(name = "{0}  ==>  {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            a OR b AND c                         | (a OR (b AND c))
            a AND b OR c                         | ((a AND b) OR c)
            a OR b OR c                          | (a OR b OR c)
            a AND b AND c OR d AND e             | ((a AND b AND c) OR (d AND e))
            NOT a AND b                          | ((NOT a) AND b)
            NOT a OR b                           | ((NOT a) OR b)
            NOT NOT a                            | (NOT (NOT a))
            NOT a = 1                            | (NOT (a = 1))
            a = 1 OR b = 2 AND c = 3             | ((a = 1) OR ((b = 2) AND (c = 3)))
            (a OR b) AND c                       | ((a OR b) AND c)
            a + b * c = d                        | ((a + (b * c)) = d)
            (a + b) * c = d                      | (((a + b) * c) = d)
            a - b - c = 0                        | (((a - b) - c) = 0)
            a / b / c = 1                        | (((a / b) / c) = 1)
            a - b + c = 0                        | (((a - b) + c) = 0)
            -a * b = 1                           | (((-a) * b) = 1)
            - -a = 1                             | ((-(-a)) = 1)
            +a < 1                               | ((+a) < 1)
            a BETWEEN 1 AND 2 AND b              | ((a BETWEEN 1 AND 2) AND b)
            a NOT BETWEEN b + 1 AND c * 2        | (a NOT BETWEEN (b + 1) AND (c * 2))
            NOT a IS NULL                        | (NOT (a IS NULL))
            a + 1 IS NOT NULL                    | ((a + 1) IS NOT NULL)
            NOT a LIKE 'x%' OR b IN ('y')        | ((NOT (a LIKE 'x%')) OR (b IN ('y')))
            a NOT LIKE 'x!%' ESCAPE '!'          | (a NOT LIKE 'x!%' ESCAPE '!')
            x = 2 * 3 + 4                        | (x = 10)
            x = -(2 - 5)                         | (x = 3)
            x = 7 / 2                            | (x = 3)
            x > 1.5 * 2                          | (x > 3.0)
            """)
    void parsesWithSqlPrecedence(String selector, String parsedForm) {
        assertThat(Selector.parse(selector).parsedForm()).isEqualTo(parsedForm);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            TRUE OR TRUE AND FALSE        | true
            FALSE AND FALSE OR TRUE       | true
            NOT FALSE AND FALSE           | false
            NOT TRUE = FALSE              | true
            size - 4 - 3 = 3              | true
            size / 5 / 2 = 1              | true
            size - 2 * 3 = 4              | true
            (size - 2) * 3 = 24           | true
            -size * -size = 100           | true
            size + 2 BETWEEN 11 AND 12    | true
            """)
    void evaluatesWithSqlPrecedence(String selector, boolean expected) {
        assertThat(Selector.parse(selector).matches(MapFilterable.of("size", 10))).isEqualTo(expected);
    }

    @Test
    void parenthesesDoNotLeakIntoTheTree() {
        assertThat(Selector.parse("((((a))))").parsedForm()).isEqualTo("a");
        assertThat(Selector.parse("((a = 1))").parsedForm()).isEqualTo("(a = 1)");
    }
}
