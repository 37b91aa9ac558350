package io.ferrymq.core.filter.selector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The SQL truth tables of JMS 2.0 §3.8.1.1 and how NULL (a missing identifier) turns into UNKNOWN.
 * {@code t} is TRUE, {@code f} is FALSE and {@code u} is absent, so UNKNOWN.
 */
class SelectorThreeValuedLogicTest {

    private static final MapFilterable VALUES = MapFilterable.of("t", true, "f", false, "n", 5, "s", "abc");

    @ParameterizedTest(name = "{0} AND {1} = {2}")
    @CsvSource({
            "t, t, TRUE", "t, f, FALSE", "t, u, UNKNOWN",
            "f, t, FALSE", "f, f, FALSE", "f, u, FALSE",
            "u, t, UNKNOWN", "u, f, FALSE", "u, u, UNKNOWN"})
    void andTruthTable(String left, String right, Truth expected) {
        assertThat(Truth.of(left + " AND " + right, VALUES)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} OR {1} = {2}")
    @CsvSource({
            "t, t, TRUE", "t, f, TRUE", "t, u, TRUE",
            "f, t, TRUE", "f, f, FALSE", "f, u, UNKNOWN",
            "u, t, TRUE", "u, f, UNKNOWN", "u, u, UNKNOWN"})
    void orTruthTable(String left, String right, Truth expected) {
        assertThat(Truth.of(left + " OR " + right, VALUES)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "NOT {0} = {1}")
    @CsvSource({"t, FALSE", "f, TRUE", "u, UNKNOWN"})
    void notTruthTable(String operand, Truth expected) {
        assertThat(Truth.of("NOT " + operand, VALUES)).isEqualTo(expected);
    }

    @Test
    void longChainsFollowTheTablesToo() {
        assertThat(Truth.of("t AND t AND u AND t", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("t AND u AND f AND t", VALUES)).isEqualTo(Truth.FALSE);
        assertThat(Truth.of("f OR u OR f", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("f OR u OR t", VALUES)).isEqualTo(Truth.TRUE);
        assertThat(Truth.of("(u OR t) AND NOT (u AND f)", VALUES)).isEqualTo(Truth.TRUE);
    }

    static Stream<Arguments> nullOperands() {
        return Stream.of(
                arguments("u = 5"), arguments("u <> 5"), arguments("u < 5"), arguments("u <= 5"),
                arguments("u > 5"), arguments("u >= 5"), arguments("5 = u"), arguments("u = u"),
                arguments("u = 'abc'"), arguments("u <> 'abc'"), arguments("u = TRUE"),
                arguments("u + 1 = 1"), arguments("n + u = 5"), arguments("n * u > 0"), arguments("-u = 0"),
                arguments("u BETWEEN 1 AND 10"), arguments("u NOT BETWEEN 1 AND 10"),
                arguments("n BETWEEN u AND 10"), arguments("n NOT BETWEEN u AND 10"),
                arguments("u IN ('a', 'b')"), arguments("u NOT IN ('a', 'b')"),
                arguments("u LIKE 'a%'"), arguments("u NOT LIKE 'a%'"));
    }

    @ParameterizedTest(name = "{0} is UNKNOWN")
    @MethodSource("nullOperands")
    void nullOperandsMakeOperationsUnknown(String condition) {
        assertThat(Truth.of(condition, VALUES)).isEqualTo(Truth.UNKNOWN);
    }

    @Test
    void aMissingPropertyIsNotSelectedByNotEqualNorByItsNegation() {
        // The classic surprise: "key <> 'x'" does not select messages that lack "key".
        assertThat(Selector.parse("key <> 'x'").matches(VALUES)).isFalse();
        assertThat(Selector.parse("NOT (key = 'x')").matches(VALUES)).isFalse();
        assertThat(Selector.parse("key IS NULL OR key <> 'x'").matches(VALUES)).isTrue();
    }

    @Test
    void isNullIsNeverUnknown() {
        assertThat(Truth.of("u IS NULL", VALUES)).isEqualTo(Truth.TRUE);
        assertThat(Truth.of("u IS NOT NULL", VALUES)).isEqualTo(Truth.FALSE);
        assertThat(Truth.of("n IS NULL", VALUES)).isEqualTo(Truth.FALSE);
        assertThat(Truth.of("(n + u) IS NULL", VALUES)).isEqualTo(Truth.TRUE);
    }

    @Test
    void betweenWithANullBoundFollowsItsDefiningConjunction() {
        // n BETWEEN a AND b is n >= a AND n <= b; n NOT BETWEEN a AND b is n < a OR n > b.
        assertThat(Truth.of("20 BETWEEN u AND 10", VALUES)).isEqualTo(Truth.FALSE);
        assertThat(Truth.of("20 NOT BETWEEN u AND 10", VALUES)).isEqualTo(Truth.TRUE);
        assertThat(Truth.of("n BETWEEN 1 AND u", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("0 BETWEEN 1 AND u", VALUES)).isEqualTo(Truth.FALSE);
        assertThat(Truth.of("0 NOT BETWEEN 1 AND u", VALUES)).isEqualTo(Truth.TRUE);
    }

    @Test
    void nonBooleanValuesUsedAsConditionsAreUnknown() {
        assertThat(Truth.of("s", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("n", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("n AND t", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("n OR t", VALUES)).isEqualTo(Truth.TRUE);
        assertThat(Truth.of("s AND f", VALUES)).isEqualTo(Truth.FALSE);
    }

    @Test
    void integerDivisionByZeroIsNullNotAnError() {
        assertThat(Truth.of("n / 0 = 1", VALUES)).isEqualTo(Truth.UNKNOWN);
        assertThat(Truth.of("(n / 0) IS NULL", VALUES)).isEqualTo(Truth.TRUE);
        assertThat(Truth.of("n / 0 = 1 OR t", VALUES)).isEqualTo(Truth.TRUE);
        assertThat(Truth.of("n / 0 = 1 AND f", VALUES)).isEqualTo(Truth.FALSE);
    }

    @Test
    void onlyTrueSelects() {
        assertThat(Selector.parse("u").matches(VALUES)).isFalse();
        assertThat(Selector.parse("NOT u").matches(VALUES)).isFalse();
        assertThat(Selector.parse("t").matches(VALUES)).isTrue();
        assertThat(Selector.parse("f").matches(VALUES)).isFalse();
    }
}
