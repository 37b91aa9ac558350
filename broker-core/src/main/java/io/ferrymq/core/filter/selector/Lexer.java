package io.ferrymq.core.filter.selector;

import io.ferrymq.core.filter.selector.Token.Kind;

/**
 * Splits selector text into tokens on demand, so that the first problem in reading order is the
 * one reported. Literal syntax follows JMS 2.0 §3.8.1.1, which defers to Java's literal syntax:
 * decimal, hexadecimal ({@code 0x1F}) and octal ({@code 017}) exact numerics with an optional
 * {@code L}, and approximate numerics with a point and/or an exponent and an optional {@code F}/{@code D}.
 */
final class Lexer {

    private final String text;
    private int pos;

    Lexer(String text) {
        this.text = text;
    }

    Token next() {
        skipWhitespace();
        int start = pos;
        if (start >= text.length()) {
            return new Token(Kind.END, "", start, null);
        }
        char c = text.charAt(start);
        switch (c) {
            case '\'': return string(start);
            case '(': return symbol(Kind.LEFT_PAREN, start, 1);
            case ')': return symbol(Kind.RIGHT_PAREN, start, 1);
            case ',': return symbol(Kind.COMMA, start, 1);
            case '+': return symbol(Kind.PLUS, start, 1);
            case '-': return symbol(Kind.MINUS, start, 1);
            case '*': return symbol(Kind.TIMES, start, 1);
            case '/': return symbol(Kind.DIVIDE, start, 1);
            case '=': return symbol(Kind.EQUAL, start, 1);
            case '<':
                if (peek(1) == '=') {
                    return symbol(Kind.LESS_OR_EQUAL, start, 2);
                }
                return peek(1) == '>' ? symbol(Kind.NOT_EQUAL, start, 2) : symbol(Kind.LESS, start, 1);
            case '>':
                return peek(1) == '=' ? symbol(Kind.GREATER_OR_EQUAL, start, 2) : symbol(Kind.GREATER, start, 1);
            default:
                break;
        }
        if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
            return number(start);
        }
        int cp = text.codePointAt(start);
        if (Character.isJavaIdentifierStart(cp)) {
            return word(start);
        }
        throw unexpectedCharacter(start, cp);
    }

    private void skipWhitespace() {
        // JMS whitespace: space, horizontal tab, form feed and line terminators; nothing else.
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\f' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private Token symbol(Kind kind, int start, int length) {
        pos = start + length;
        return new Token(kind, text.substring(start, pos), start, null);
    }

    private Token string(int start) {
        StringBuilder value = null;
        int from = start + 1;
        while (true) {
            int quote = text.indexOf('\'', from);
            if (quote < 0) {
                throw new SelectorSyntaxException(text, start, "unterminated string literal",
                        "a closing ' is missing (write '' for a quote inside a string)");
            }
            if (quote + 1 < text.length() && text.charAt(quote + 1) == '\'') {
                if (value == null) {
                    value = new StringBuilder();
                }
                value.append(text, from, quote + 1);
                from = quote + 2;
                continue;
            }
            pos = quote + 1;
            String decoded = value == null ? text.substring(start + 1, quote)
                    : value.append(text, from, quote).toString();
            return new Token(Kind.STRING, text.substring(start, pos), start, decoded);
        }
    }

    private Token word(int start) {
        int i = start;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!Character.isJavaIdentifierPart(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        pos = i;
        String word = text.substring(start, i);
        return new Token(reservedWord(word), word, start, null);
    }

    /**
     * Reserved words are matched case-insensitively over ASCII only: a locale-aware or full Unicode
     * case fold would turn identifiers such as {@code ın} (dotless i) into the keyword IN.
     */
    private static Kind reservedWord(String word) {
        if (word.length() < 2 || word.length() > 7) {
            return Kind.IDENTIFIER;
        }
        char[] upper = new char[word.length()];
        for (int i = 0; i < upper.length; i++) {
            char c = word.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) (c - ('a' - 'A'));
            } else if (c < 'A' || c > 'Z') {
                return Kind.IDENTIFIER;
            }
            upper[i] = c;
        }
        switch (new String(upper)) {
            case "AND": return Kind.AND;
            case "OR": return Kind.OR;
            case "NOT": return Kind.NOT;
            case "BETWEEN": return Kind.BETWEEN;
            case "LIKE": return Kind.LIKE;
            case "IN": return Kind.IN;
            case "IS": return Kind.IS;
            case "ESCAPE": return Kind.ESCAPE;
            case "NULL": return Kind.NULL;
            case "TRUE": return Kind.TRUE;
            case "FALSE": return Kind.FALSE;
            default: return Kind.IDENTIFIER;
        }
    }

    private Token number(int start) {
        pos = start;
        if (text.charAt(start) == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
            return hexadecimal(start);
        }
        skipDigits();
        boolean approximate = false;
        if (peek(0) == '.') {
            approximate = true;
            pos++;
            skipDigits();
        }
        if (peek(0) == 'e' || peek(0) == 'E') {
            approximate = true;
            pos++;
            if (peek(0) == '+' || peek(0) == '-') {
                pos++;
            }
            if (!isDigit(peek(0))) {
                throw malformedNumber(start, "the exponent has no digits");
            }
            skipDigits();
        }
        String digits = text.substring(start, pos);
        char suffix = peek(0);
        if (suffix == 'f' || suffix == 'F' || suffix == 'd' || suffix == 'D') {
            pos++;
            requireEndOfNumber(start);
            return approximate(start, digits, suffix == 'f' || suffix == 'F');
        }
        if (approximate) {
            if (suffix == 'l' || suffix == 'L') {
                throw malformedNumber(start, "the L suffix is only for whole numbers");
            }
            requireEndOfNumber(start);
            return approximate(start, digits, false);
        }
        if (suffix == 'l' || suffix == 'L') {
            pos++;
        }
        requireEndOfNumber(start);
        return exact(start, digits);
    }

    private Token hexadecimal(int start) {
        pos = start + 2;
        int digitsStart = pos;
        while (Character.digit(peek(0), 16) >= 0 && peek(0) < 128) {
            pos++;
        }
        if (pos == digitsStart) {
            throw malformedNumber(start, "0x must be followed by hexadecimal digits");
        }
        String digits = text.substring(digitsStart, pos);
        if (peek(0) == 'l' || peek(0) == 'L') {
            pos++;
        }
        requireEndOfNumber(start);
        try {
            // As in Java, a hexadecimal literal may use all 64 bits: 0xFFFFFFFFFFFFFFFF is -1.
            return new Token(Kind.EXACT_NUMBER, text.substring(start, pos), start, Long.parseUnsignedLong(digits, 16));
        } catch (NumberFormatException e) {
            throw outOfRange(start);
        }
    }

    private Token exact(int start, String digits) {
        String source = text.substring(start, pos);
        try {
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                for (int i = 1; i < digits.length(); i++) {
                    if (digits.charAt(i) > '7') {
                        throw new SelectorSyntaxException(text, start, "invalid octal literal '" + source + "'",
                                "a leading 0 means octal, which has no digits 8 or 9; drop the leading zeros");
                    }
                }
                return new Token(Kind.EXACT_NUMBER, source, start, Long.parseUnsignedLong(digits.substring(1), 8));
            }
            return new Token(Kind.EXACT_NUMBER, source, start, Long.parseLong(digits));
        } catch (NumberFormatException e) {
            if (digits.equals("9223372036854775808")) {
                return new Token(Kind.EXACT_NUMBER, source, start, Long.MIN_VALUE);
            }
            throw outOfRange(start);
        }
    }

    private Token approximate(int start, String digits, boolean isFloat) {
        double value = isFloat ? (double) Float.parseFloat(digits) : Double.parseDouble(digits);
        if (Double.isInfinite(value)) {
            throw new SelectorSyntaxException(text, start, "numeric literal '" + text.substring(start, pos)
                    + "' out of range", "it does not fit in a " + (isFloat ? "float" : "double"));
        }
        // An F literal keeps float precision, so that 1.1F equals a float property set to 1.1f.
        return new Token(Kind.APPROXIMATE_NUMBER, text.substring(start, pos), start, value);
    }

    private void skipDigits() {
        while (isDigit(peek(0))) {
            pos++;
        }
    }

    /** {@code 12abc} or {@code 1.2.3} is a typo, not a number followed by something else. */
    private void requireEndOfNumber(int start) {
        char c = peek(0);
        if (c == '.' || (pos < text.length() && Character.isJavaIdentifierPart(text.codePointAt(pos)))) {
            while (pos < text.length() && (text.charAt(pos) == '.'
                    || Character.isJavaIdentifierPart(text.codePointAt(pos)))) {
                pos += Character.charCount(text.codePointAt(pos));
            }
            throw malformedNumber(start, null);
        }
    }

    private SelectorSyntaxException malformedNumber(int start, String why) {
        int end = Math.min(Math.max(pos, start + 1), text.length());
        return new SelectorSyntaxException(text, start, "malformed numeric literal '" + text.substring(start, end) + "'",
                why);
    }

    private SelectorSyntaxException outOfRange(int start) {
        return new SelectorSyntaxException(text, start, "integer literal '" + text.substring(start, pos) + "' out of range",
                "a long holds -9223372036854775808 to 9223372036854775807");
    }

    /** Invisible characters (a no-break space, a BOM, a control) are named by code so they can be found. */
    private static boolean isVisible(int cp) {
        int type = Character.getType(cp);
        return Character.isDefined(cp) && !Character.isISOControl(cp) && !Character.isSpaceChar(cp)
                && type != Character.FORMAT && type != Character.SURROGATE && type != Character.PRIVATE_USE;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private SelectorSyntaxException unexpectedCharacter(int start, int cp) {
        String shown = isVisible(cp) ? new String(Character.toChars(cp)) : String.format("\\u%04X", cp);
        String hint;
        switch (cp) {
            case '!': hint = "write <> for not-equal and NOT for negation"; break;
            case '"': hint = "string literals use single quotes"; break;
            case '&': hint = "write AND"; break;
            case '|': hint = "write OR"; break;
            default: hint = null; break;
        }
        return new SelectorSyntaxException(text, start, "unexpected character '" + shown + "'", hint);
    }
}
