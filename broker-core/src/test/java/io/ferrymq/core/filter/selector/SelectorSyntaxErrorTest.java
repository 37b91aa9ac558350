package io.ferrymq.core.filter.selector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Invalid selectors are refused at parse time with the problem, its column and the selector text. */
class SelectorSyntaxErrorTest {

    static Stream<Arguments> invalidSelectors() {
        return Stream.of(
                // selector, 0-based position, expected part of the message (@ stands for "at column N")
                arguments("price >> 5", 7, "unexpected '>'"),
                // lexical errors
                arguments("color = 'red", 8, "unterminated string literal"),
                arguments("color = 'it''s", 8, "unterminated string literal"),
                arguments("color # 'red'", 6, "unexpected character '#'"),
                arguments("color != 'red'", 6, "unexpected character '!' @; write <> for not-equal"),
                arguments("color = \"red\"", 8, "unexpected character '\"' @; string literals use single quotes"),
                arguments("a = 1 && b = 2", 6, "unexpected character '&' @; write AND"),
                arguments("x = 'a' AND\u00A0y", 11, "unexpected character '\\u00A0'"),
                arguments("x > .", 4, "unexpected character '.'"),
                arguments("x > 9223372036854775808", 4, "integer literal '9223372036854775808' out of range"),
                arguments("9223372036854775808 > x", 0, "out of range @; a long holds"),
                arguments("x > 99999999999999999999", 4, "integer literal '99999999999999999999' out of range"),
                arguments("x > 0x1FFFFFFFFFFFFFFFF", 4, "out of range"),
                arguments("x > 09", 4, "invalid octal literal '09'"),
                arguments("x > 1e", 4, "malformed numeric literal '1e' @; the exponent has no digits"),
                arguments("x > 1.5L", 4, "the L suffix is only for whole numbers"),
                arguments("x > 12abc", 4, "malformed numeric literal '12abc'"),
                arguments("x > 1.2.3", 4, "malformed numeric literal '1.2.3'"),
                arguments("x > 0x", 4, "0x must be followed by hexadecimal digits"),
                arguments("x > 1e999", 4, "numeric literal '1e999' out of range @; it does not fit in a double"),
                arguments("x > 1e39F", 4, "it does not fit in a float"),
                // missing operands and unbalanced parentheses
                arguments("color =", 7, "missing operand after '='"),
                arguments("= 5", 0, "unexpected '='"),
                arguments("size > 5 AND", 12, "missing operand after 'AND'"),
                arguments("size > 5 AND OR x", 13, "reserved word 'OR' where an operand was expected"),
                arguments("size >", 6, "missing operand after '>'"),
                arguments("size * / 2 > 1", 7, "unexpected '/'"),
                arguments("(size > 5", 0, "unclosed '(' @; a ')' is missing"),
                arguments("((size > 5)", 0, "unclosed '('"),
                arguments("(a = 1) AND (b = 2", 12, "unclosed '('"),
                arguments("size > 5)", 8, "unexpected ')' without a matching '('"),
                arguments("(size > 5 x)", 10, "unexpected 'x' @; expected ')'"),
                arguments("()", 1, "unexpected ')'"),
                arguments("size > 5 color", 9, "unexpected 'color' @; expected AND, OR or the end of the selector"),
                arguments("a b", 2, "unexpected 'b'"),
                // reserved words
                arguments("x = NULL", 4, "NULL used as a value @; test for a missing value with 'x IS NULL'"),
                arguments("NULL IS NULL", 0, "NULL used as a value"),
                arguments("in = 1", 0, "reserved word 'in' where an operand was expected"),
                arguments("IS = 1", 0, "reserved word 'IS'"),
                arguments("Like = 'x'", 0, "reserved word 'Like'"),
                arguments("between > 1", 0, "reserved word 'between'"),
                arguments("escape = 'x'", 0, "reserved word 'escape' where an operand was expected @; reserved words cannot be used as identifiers"),
                arguments("and = 1", 0, "reserved word 'and'"),
                arguments("x = 1 OR or = 2", 9, "reserved word 'or'"),
                arguments("not = 1", 4, "unexpected '='"),
                // IN
                arguments("color IN ()", 10, "empty IN list @; it needs at least one string literal"),
                arguments("color IN ('a',)", 14, "unexpected ')' @; expected a string literal"),
                arguments("color IN ('a' 'b')", 14, "unexpected 'b' @; expected ',' or ')' in the IN list"),
                arguments("color IN 'a'", 9, "unexpected 'a' @; expected '(' after 'IN'"),
                arguments("color IN (1, 2)", 10, "IN lists contain only string literals"),
                arguments("color IN (x)", 10, "IN lists contain only string literals"),
                arguments("color IN ('a'", 13, "unexpected end of selector @; expected ',' or ')'"),
                arguments("TRUE IN ('x')", 0, "'IN' expects a string but found a boolean"),
                // LIKE and ESCAPE
                arguments("color LIKE 'a' ESCAPE 'ab'", 22, "ESCAPE 'ab' has 2 characters"),
                arguments("color LIKE 'a' ESCAPE ''", 22, "ESCAPE '' has 0 characters"),
                arguments("color LIKE 'a' ESCAPE", 21, "expected a one-character string literal after 'ESCAPE'"),
                arguments("color LIKE 'a' ESCAPE x", 22, "expected a one-character string literal"),
                arguments("color LIKE x", 11, "expected a string literal pattern after 'LIKE'"),
                arguments("color LIKE 'a\\' ESCAPE '\\'", 11, "ends with the escape character"),
                arguments("color LIKE 'a\\b' ESCAPE '\\'", 11, "is followed by 'b'"),
                arguments("5 LIKE '5'", 0, "'LIKE' expects a string but found a number"),
                arguments("size + 1 NOT LIKE '5'", 0, "'LIKE' expects a string"),
                // other predicates
                arguments("size NOT = 5", 9, "expected BETWEEN, LIKE or IN after 'NOT'"),
                arguments("size IS 5", 8, "expected NULL or NOT NULL after 'IS'"),
                arguments("size IS NOT 5", 12, "expected NULL or NOT NULL"),
                arguments("size BETWEEN 1 OR 2", 15, "expected AND between the bounds of 'BETWEEN'"),
                arguments("'abc' BETWEEN 1 AND 2", 0, "'BETWEEN' expects numbers but found a string"),
                arguments("size BETWEEN 'a' AND 'z'", 13, "'BETWEEN' expects numbers but found a string"),
                arguments("a = b = c", 6, "chained comparison '='"),
                arguments("a < b > c", 6, "chained comparison '>'"),
                arguments("a = 1 IS NULL", 6, "chained comparison 'IS'"),
                // literal types the specification makes invalid
                arguments("'abc' + 1 > 0", 0, "'+' expects numbers but found a string"),
                arguments("size + 'abc' > 0", 7, "'+' expects numbers but found a string"),
                arguments("size * TRUE > 0", 7, "'*' expects numbers but found a boolean"),
                arguments("-'abc' = x", 1, "'-' expects numbers but found a string"),
                arguments("TRUE > 1", 0, "'>' expects numbers but found a boolean @; strings and booleans support only = and <>"),
                arguments("color > 'abc'", 8, "'>' expects numbers but found a string"),
                arguments("'a' <= 'b'", 0, "'<=' expects numbers"),
                arguments("'a' = 1", 4, "cannot compare a string with a number using '='"),
                arguments("TRUE <> 1", 5, "cannot compare a boolean with a number using '<>'"),
                arguments("(size > 1) = 'x'", 11, "cannot compare a boolean with a string"),
                arguments("5", 0, "expected a condition but found a number @; a selector must be true or false"),
                arguments("size + 1", 0, "expected a condition but found a number"),
                arguments("'abc'", 0, "expected a condition but found a string"),
                arguments("size > 1 AND 5", 13, "'AND' expects a condition but found a number"),
                arguments("5 OR size > 1", 0, "'OR' expects a condition but found a number"),
                arguments("NOT 'x'", 4, "'NOT' expects a condition but found a string"),
                // empty
                arguments("", 0, "the selector is empty"),
                arguments("   \t\n", 0, "the selector is empty"));
    }

    @ParameterizedTest(name = "[{0}] at {1}: {2}")
    @MethodSource("invalidSelectors")
    void reportsTheProblemAndItsColumn(String selector, int position, String expectedMessagePart) {
        SelectorSyntaxException e = catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(selector));

        assertThat(e).as("expected a syntax error for [%s]", selector).isNotNull();
        assertThat(e.position()).isEqualTo(position);
        assertThat(e.getMessage())
                .startsWith("Invalid selector '" + selector.replace('\n', ' ').replace('\t', ' ') + "': ")
                .contains(" at column " + (position + 1))
                .contains(expectedMessagePart.replace(" @", " at column " + (position + 1)));
    }

    @Test
    void messageNamesTheProblemColumnAndSelector() {
        SelectorSyntaxException e = catchThrowableOfType(SelectorSyntaxException.class,
                () -> Selector.parse("price >> 5"));

        assertThat(e).hasMessage("Invalid selector 'price >> 5': unexpected '>' at column 8");
        assertThat(e.position()).isEqualTo(7);
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullTextIsRefused() {
        SelectorSyntaxException e = catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(null));

        assertThat(e).hasMessage("Invalid selector: the selector text is null");
        assertThat(e.position()).isZero();
    }

    @Test
    void longSelectorsAreQuotedAroundTheProblem() {
        String selector = "color = 'red' AND ".repeat(10) + "size >> 5" + " AND weight > 1".repeat(10);
        int position = selector.indexOf(">>") + 1;

        SelectorSyntaxException e = catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(selector));

        assertThat(e.position()).isEqualTo(position);
        assertThat(e.getMessage())
                .startsWith("Invalid selector '...")
                .contains("size >> 5")
                .contains("...': unexpected '>' at column " + (position + 1))
                .hasSizeLessThan(150);
    }

    @Test
    void deepNestingIsRefusedInsteadOfOverflowingTheStack() {
        String parentheses = "(".repeat(10_000) + "x" + ")".repeat(10_000);
        String nots = "NOT ".repeat(10_000) + "x";
        String signs = "-".repeat(10_000) + "x > 1";
        String sum = "x" + " + x".repeat(10_000) + " > 1";

        assertThat(catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(parentheses)))
                .hasMessageContaining("nested too deeply");
        assertThat(catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(nots)))
                .hasMessageContaining("nested too deeply");
        assertThat(catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(signs)))
                .hasMessageContaining("nested too deeply");
        assertThat(catchThrowableOfType(SelectorSyntaxException.class, () -> Selector.parse(sum)))
                .hasMessageContaining("too many nested operations");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50, Parser.MAX_NESTING - 1})
    void reasonableNestingIsAccepted(int levels) {
        String selector = "(".repeat(levels) + "x = 1" + ")".repeat(levels);

        assertThat(Selector.parse(selector).matches(MapFilterable.of("x", 1))).isTrue();
    }

    @Test
    void longFlatChainsAreAccepted() {
        StringBuilder selector = new StringBuilder("x = 'v0'");
        for (int i = 1; i < 20_000; i++) {
            selector.append(" OR x = 'v").append(i).append('\'');
        }

        Selector s = Selector.parse(selector.toString());

        assertThat(s.matches(MapFilterable.of("x", "v19999"))).isTrue();
        assertThat(s.matches(MapFilterable.of("x", "nope"))).isFalse();
        assertThatCode(() -> Selector.parse("x" + " + x".repeat(Parser.MAX_DEPTH - 2) + " > 1"))
                .doesNotThrowAnyException();
    }
}
