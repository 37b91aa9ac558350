package io.ferrymq.core.filter.selector;

/**
 * One lexical unit. {@code text} is the source as written (so errors echo the user's spelling) and
 * {@code value} holds the decoded literal: a String, a Long or a Double.
 */
record Token(Kind kind, String text, int start, Object value) {

    enum Kind {
        IDENTIFIER, STRING, EXACT_NUMBER, APPROXIMATE_NUMBER,
        AND, OR, NOT, BETWEEN, LIKE, IN, IS, ESCAPE, NULL, TRUE, FALSE,
        EQUAL, NOT_EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL,
        PLUS, MINUS, TIMES, DIVIDE, LEFT_PAREN, RIGHT_PAREN, COMMA, END;

        boolean isReservedWord() {
            return compareTo(AND) >= 0 && compareTo(FALSE) <= 0;
        }

        boolean isComparison() {
            return compareTo(EQUAL) >= 0 && compareTo(GREATER_OR_EQUAL) <= 0;
        }
    }

    private static final String LONG_MIN_MAGNITUDE = "9223372036854775808";

    /**
     * Java accepts the decimal literal 9223372036854775808 only right after a unary minus; the lexer
     * cannot know what precedes it, so it hands the parser this marker instead of an error.
     */
    boolean isLongMinMagnitude() {
        return kind == Kind.EXACT_NUMBER && ((Long) value) == Long.MIN_VALUE
                && text.replaceFirst("[lL]$", "").equals(LONG_MIN_MAGNITUDE);
    }

    /** How the token is named in error messages; a string literal is already quoted. */
    String describe() {
        if (kind == Kind.END) {
            return "end of selector";
        }
        return kind == Kind.STRING ? text : "'" + text + "'";
    }
}
