package io.ferrymq.core.filter.selector;

import io.ferrymq.core.filter.selector.LikePattern.InvalidPatternException;
import io.ferrymq.core.filter.selector.Token.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the JMS 2.0 selector grammar, lowest precedence first:
 *
 * <pre>
 * selector       = or END
 * or             = and { OR and }
 * and            = not { AND not }
 * not            = NOT not | predicate
 * predicate      = additive [ compare-op additive
 *                           | [NOT] BETWEEN additive AND additive
 *                           | [NOT] LIKE string [ESCAPE string]
 *                           | [NOT] IN '(' string { ',' string } ')'
 *                           | IS [NOT] NULL ]
 * additive       = multiplicative { ('+' | '-') multiplicative }
 * multiplicative = unary { ('*' | '/') unary }
 * unary          = ('+' | '-') unary | primary
 * primary        = literal | identifier | '(' or ')'
 * </pre>
 *
 * As in SQL, comparisons do not chain ({@code a = b = c} is refused). Alongside the grammar the
 * parser tracks what each sub-expression is statically known to be, so that selectors the
 * specification calls invalid because of their literals ({@code 'abc' + 1}, {@code TRUE > 1},
 * {@code 5 AND x}) are refused at once instead of silently never matching. Identifiers are
 * unknown until a message is seen and are accepted everywhere.
 *
 * <p>Constant arithmetic is folded, and nesting and tree depth are bounded, so that a selector
 * from an untrusted client cannot overflow the stack of the parser or of the threads that
 * evaluate it.
 */
final class Parser {

    /** Parentheses, NOT and signs recurse in the parser; this bounds that recursion. */
    static final int MAX_NESTING = 100;
    /** Bounds the recursion of evaluation (AND/OR chains are flat, so this is rarely reached). */
    static final int MAX_DEPTH = 250;

    private enum Type {
        BOOLEAN("a boolean"), NUMBER("a number"), STRING("a string"), UNKNOWN("a value");

        private final String noun;

        Type(String noun) {
            this.noun = noun;
        }
    }

    /** Parse-time facts about a sub-expression; only the expression survives into the result. */
    private record Parsed(Expression expression, Type type, int start, int depth) {
    }

    private final String text;
    private final Lexer lexer;
    private Token current;
    private Token previous;
    private int nesting;

    private Parser(String text) {
        this.text = text;
        this.lexer = new Lexer(text);
        this.current = lexer.next();
    }

    static Expression parse(String text) {
        if (text == null) {
            throw new SelectorSyntaxException(null, 0, "the selector text is null");
        }
        Parser parser = new Parser(text);
        if (parser.current.kind() == Kind.END) {
            throw new SelectorSyntaxException(text, 0, "the selector is empty",
                    "write a condition such as color = 'red'");
        }
        Parsed root = parser.or();
        if (parser.current.kind() != Kind.END) {
            throw parser.current.kind() == Kind.RIGHT_PAREN
                    ? parser.error(parser.current, "unexpected ')' without a matching '('", null)
                    : parser.unexpected(parser.current, "AND, OR or the end of the selector");
        }
        if (root.type() == Type.NUMBER || root.type() == Type.STRING) {
            throw new SelectorSyntaxException(text, root.start(), "expected a condition but found "
                    + root.type().noun, "a selector must be true or false");
        }
        return root.expression();
    }

    private Parsed or() {
        Parsed first = and();
        return current.kind() == Kind.OR ? chain(first, Kind.OR) : first;
    }

    private Parsed and() {
        Parsed first = not();
        return current.kind() == Kind.AND ? chain(first, Kind.AND) : first;
    }

    private Parsed chain(Parsed first, Kind operator) {
        requireCondition(first, current);
        List<Expression> operands = new ArrayList<>();
        operands.add(first.expression());
        int depth = first.depth();
        while (current.kind() == operator) {
            Token token = advance();
            Parsed next = operator == Kind.OR ? and() : not();
            requireCondition(next, token);
            operands.add(next.expression());
            depth = Math.max(depth, next.depth());
        }
        Expression chain = operator == Kind.OR ? new Or(operands) : new And(operands);
        return deep(new Parsed(chain, Type.BOOLEAN, first.start(), depth + 1), previous);
    }

    private Parsed not() {
        if (current.kind() != Kind.NOT) {
            return predicate();
        }
        Token not = advance();
        enter(not);
        Parsed operand = not();
        leave();
        requireCondition(operand, not);
        return deep(new Parsed(new Not(operand.expression()), Type.BOOLEAN, not.start(), operand.depth() + 1), not);
    }

    private Parsed predicate() {
        Parsed left = additive();
        Token token = current;
        Parsed result;
        switch (token.kind()) {
            case EQUAL:
            case NOT_EQUAL:
            case LESS:
            case LESS_OR_EQUAL:
            case GREATER:
            case GREATER_OR_EQUAL:
                advance();
                result = comparison(token, left, additive());
                break;
            case NOT:
                advance();
                result = negatable(left, true, token);
                break;
            case BETWEEN:
            case LIKE:
            case IN:
                result = negatable(left, false, token);
                break;
            case IS:
                advance();
                boolean negated = accept(Kind.NOT);
                if (current.kind() != Kind.NULL) {
                    throw unexpected(current, "NULL or NOT NULL after " + token.describe());
                }
                advance();
                result = deep(new Parsed(new IsNull(left.expression(), negated), Type.BOOLEAN, left.start(),
                        left.depth() + 1), token);
                break;
            default:
                return left;
        }
        Kind next = current.kind();
        if (next.isComparison() || next == Kind.BETWEEN || next == Kind.LIKE || next == Kind.IN || next == Kind.IS) {
            throw error(current, "chained comparison " + current.describe(),
                    "combine comparisons with AND or OR, or use parentheses");
        }
        return result;
    }

    private Parsed negatable(Parsed left, boolean negated, Token not) {
        switch (current.kind()) {
            case BETWEEN: return between(left, negated);
            case LIKE: return like(left, negated);
            case IN: return in(left, negated);
            default:
                throw unexpected(current, "BETWEEN, LIKE or IN after " + not.describe());
        }
    }

    private Parsed comparison(Token token, Parsed left, Parsed right) {
        ComparisonOperator operator = comparisonOperator(token.kind());
        if (operator.isEquality()) {
            if (left.type() != Type.UNKNOWN && right.type() != Type.UNKNOWN && left.type() != right.type()) {
                throw error(token, "cannot compare " + left.type().noun + " with " + right.type().noun
                        + " using " + token.describe(), "values of different types never match");
            }
        } else {
            for (Parsed side : List.of(left, right)) {
                if (side.type() == Type.STRING || side.type() == Type.BOOLEAN) {
                    throw new SelectorSyntaxException(text, side.start(), token.describe()
                            + " expects numbers but found " + side.type().noun,
                            "strings and booleans support only = and <>");
                }
            }
        }
        return deep(new Parsed(new Comparison(operator, left.expression(), right.expression()), Type.BOOLEAN,
                left.start(), Math.max(left.depth(), right.depth()) + 1), token);
    }

    private Parsed between(Parsed value, boolean negated) {
        Token between = advance();
        Parsed low = additive();
        if (current.kind() != Kind.AND) {
            throw unexpected(current, "AND between the bounds of " + between.describe());
        }
        advance();
        Parsed high = additive();
        for (Parsed operand : List.of(value, low, high)) {
            requireNumber(operand, between);
        }
        int depth = Math.max(value.depth(), Math.max(low.depth(), high.depth())) + 1;
        return deep(new Parsed(new Between(value.expression(), low.expression(), high.expression(), negated),
                Type.BOOLEAN, value.start(), depth), between);
    }

    private Parsed like(Parsed value, boolean negated) {
        Token like = advance();
        requireString(value, like);
        if (current.kind() != Kind.STRING) {
            throw unexpected(current, "a string literal pattern after " + like.describe());
        }
        Token pattern = advance();
        String escape = null;
        if (current.kind() == Kind.ESCAPE) {
            Token escapeWord = advance();
            if (current.kind() != Kind.STRING) {
                throw unexpected(current, "a one-character string literal after " + escapeWord.describe());
            }
            Token escapeLiteral = advance();
            escape = (String) escapeLiteral.value();
            int length = escape.codePointCount(0, escape.length());
            if (length != 1) {
                throw error(escapeLiteral, "ESCAPE " + escapeLiteral.describe() + " has " + length + " characters",
                        "the escape must be exactly one character");
            }
        }
        LikePattern compiled;
        try {
            compiled = LikePattern.compile((String) pattern.value(), escape);
        } catch (InvalidPatternException e) {
            throw error(pattern, "invalid LIKE pattern " + pattern.describe(), e.getMessage());
        }
        return deep(new Parsed(new Like(value.expression(), compiled, negated), Type.BOOLEAN, value.start(),
                value.depth() + 1), like);
    }

    private Parsed in(Parsed value, boolean negated) {
        Token in = advance();
        requireString(value, in);
        if (current.kind() != Kind.LEFT_PAREN) {
            throw unexpected(current, "'(' after " + in.describe());
        }
        advance();
        if (current.kind() == Kind.RIGHT_PAREN) {
            throw error(current, "empty IN list", "it needs at least one string literal");
        }
        List<String> candidates = new ArrayList<>();
        while (true) {
            if (current.kind() != Kind.STRING) {
                throw unexpected(current, "a string literal (IN lists contain only string literals)");
            }
            candidates.add((String) advance().value());
            if (accept(Kind.RIGHT_PAREN)) {
                break;
            }
            if (!accept(Kind.COMMA)) {
                throw unexpected(current, "',' or ')' in the IN list");
            }
        }
        return deep(new Parsed(new In(value.expression(), candidates, negated), Type.BOOLEAN, value.start(),
                value.depth() + 1), in);
    }

    private Parsed additive() {
        Parsed left = multiplicative();
        while (current.kind() == Kind.PLUS || current.kind() == Kind.MINUS) {
            Token operator = advance();
            left = arithmetic(operator, left, multiplicative());
        }
        return left;
    }

    private Parsed multiplicative() {
        Parsed left = unary();
        while (current.kind() == Kind.TIMES || current.kind() == Kind.DIVIDE) {
            Token operator = advance();
            left = arithmetic(operator, left, unary());
        }
        return left;
    }

    private Parsed arithmetic(Token token, Parsed left, Parsed right) {
        requireNumber(left, token);
        requireNumber(right, token);
        ArithmeticOperator operator = arithmeticOperator(token.kind());
        if (left.expression() instanceof Literal l && right.expression() instanceof Literal r) {
            return new Parsed(new Literal(operator.apply(l.value(), r.value())), Type.NUMBER, left.start(), 1);
        }
        return deep(new Parsed(new Arithmetic(operator, left.expression(), right.expression()), Type.NUMBER,
                left.start(), Math.max(left.depth(), right.depth()) + 1), token);
    }

    private Parsed unary() {
        if (current.kind() != Kind.PLUS && current.kind() != Kind.MINUS) {
            return primary();
        }
        Token sign = advance();
        boolean negate = sign.kind() == Kind.MINUS;
        if (negate && current.isLongMinMagnitude()) {
            advance();
            return new Parsed(new Literal(Long.MIN_VALUE), Type.NUMBER, sign.start(), 1);
        }
        enter(sign);
        Parsed operand = unary();
        leave();
        requireNumber(operand, sign);
        if (operand.expression() instanceof Literal l) {
            return new Parsed(new Literal(Sign.apply(l.value(), negate)), Type.NUMBER, sign.start(), 1);
        }
        return deep(new Parsed(new Sign(operand.expression(), negate), Type.NUMBER, sign.start(),
                operand.depth() + 1), sign);
    }

    private Parsed primary() {
        Token token = current;
        switch (token.kind()) {
            case STRING:
                advance();
                return new Parsed(new Literal(token.value()), Type.STRING, token.start(), 1);
            case EXACT_NUMBER:
                if (token.isLongMinMagnitude()) {
                    throw error(token, "integer literal " + token.describe() + " out of range",
                            "a long holds -9223372036854775808 to 9223372036854775807");
                }
                advance();
                return new Parsed(new Literal(token.value()), Type.NUMBER, token.start(), 1);
            case APPROXIMATE_NUMBER:
                advance();
                return new Parsed(new Literal(token.value()), Type.NUMBER, token.start(), 1);
            case TRUE:
            case FALSE:
                advance();
                return new Parsed(new Literal(token.kind() == Kind.TRUE), Type.BOOLEAN, token.start(), 1);
            case IDENTIFIER:
                advance();
                return new Parsed(new Identifier(token.text()), Type.UNKNOWN, token.start(), 1);
            case LEFT_PAREN:
                return parenthesised();
            case NULL:
                throw error(token, "NULL used as a value", "test for a missing value with 'x IS NULL'");
            case END:
                throw error(token, previous == null ? "missing operand" : "missing operand after " + previous.describe(),
                        null);
            default:
                if (token.kind().isReservedWord()) {
                    throw error(token, "reserved word " + token.describe() + " where an operand was expected",
                            "reserved words cannot be used as identifiers");
                }
                throw error(token, "unexpected " + token.describe(), null);
        }
    }

    private Parsed parenthesised() {
        Token open = advance();
        enter(open);
        Parsed inner = or();
        if (current.kind() != Kind.RIGHT_PAREN) {
            throw current.kind() == Kind.END
                    ? error(open, "unclosed '('", "a ')' is missing")
                    : unexpected(current, "')'");
        }
        advance();
        leave();
        return new Parsed(inner.expression(), inner.type(), open.start(), inner.depth());
    }

    private void requireCondition(Parsed operand, Token operator) {
        if (operand.type() == Type.NUMBER || operand.type() == Type.STRING) {
            throw new SelectorSyntaxException(text, operand.start(), operator.describe()
                    + " expects a condition but found " + operand.type().noun);
        }
    }

    private void requireNumber(Parsed operand, Token operator) {
        if (operand.type() == Type.STRING || operand.type() == Type.BOOLEAN) {
            throw new SelectorSyntaxException(text, operand.start(), operator.describe()
                    + " expects numbers but found " + operand.type().noun);
        }
    }

    private void requireString(Parsed operand, Token operator) {
        if (operand.type() == Type.NUMBER || operand.type() == Type.BOOLEAN) {
            throw new SelectorSyntaxException(text, operand.start(), operator.describe()
                    + " expects a string but found " + operand.type().noun);
        }
    }

    private Parsed deep(Parsed parsed, Token operator) {
        if (parsed.depth() > MAX_DEPTH) {
            throw error(operator, "too many nested operations", "the limit is " + MAX_DEPTH);
        }
        return parsed;
    }

    private void enter(Token token) {
        if (++nesting > MAX_NESTING) {
            throw error(token, "nested too deeply",
                    "the limit is " + MAX_NESTING + " levels of parentheses, NOT or signs");
        }
    }

    private void leave() {
        nesting--;
    }

    private Token advance() {
        previous = current;
        current = lexer.next();
        return previous;
    }

    private boolean accept(Kind kind) {
        if (current.kind() != kind) {
            return false;
        }
        advance();
        return true;
    }

    private SelectorSyntaxException error(Token token, String problem, String hint) {
        return new SelectorSyntaxException(text, token.start(), problem, hint);
    }

    private SelectorSyntaxException unexpected(Token token, String expected) {
        return error(token, "unexpected " + token.describe(), "expected " + expected);
    }

    private static ComparisonOperator comparisonOperator(Kind kind) {
        switch (kind) {
            case EQUAL: return ComparisonOperator.EQUAL;
            case NOT_EQUAL: return ComparisonOperator.NOT_EQUAL;
            case LESS: return ComparisonOperator.LESS;
            case LESS_OR_EQUAL: return ComparisonOperator.LESS_OR_EQUAL;
            case GREATER: return ComparisonOperator.GREATER;
            default: return ComparisonOperator.GREATER_OR_EQUAL;
        }
    }

    private static ArithmeticOperator arithmeticOperator(Kind kind) {
        switch (kind) {
            case PLUS: return ArithmeticOperator.PLUS;
            case MINUS: return ArithmeticOperator.MINUS;
            case TIMES: return ArithmeticOperator.TIMES;
            default: return ArithmeticOperator.DIVIDE;
        }
    }
}
