package io.ferrymq.core.filter.selector;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled LIKE pattern: {@code _} matches exactly one character, {@code %} any sequence, and the
 * optional escape character makes the next {@code _}, {@code %} or escape character literal.
 * "Character" means a Unicode code point, so {@code _} matches an emoji as it would a letter.
 *
 * <p>Matching allocates nothing. The common shapes ({@code 'abc'}, {@code 'abc%'}, {@code '%abc'},
 * {@code '%abc%'}) reduce to String methods; any other pattern runs a wildcard matcher that
 * backtracks only to the last {@code %}, which bounds it by the product of the two lengths where a
 * backtracking regular expression can take exponential time.
 */
abstract class LikePattern {

    /** Pattern codes below zero are wildcards; everything else is a literal code point. */
    private static final int ONE = -1;
    private static final int ANY = -2;

    private final String source;
    private final String escape;

    private LikePattern(String source, String escape) {
        this.source = source;
        this.escape = escape;
    }

    abstract boolean matches(String s);

    /** A malformed pattern; the parser turns it into a {@link SelectorSyntaxException} at the pattern. */
    static final class InvalidPatternException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidPatternException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param escape the escape character as a string of one code point, or null for none
     * @throws InvalidPatternException if the escape character ends the pattern or precedes a
     *         character other than {@code _}, {@code %} or itself (SQL-92 calls that an invalid
     *         escape sequence; accepting it silently would hide a mistyped pattern)
     */
    static LikePattern compile(String pattern, String escape) throws InvalidPatternException {
        int escapeCp = escape == null ? Integer.MIN_VALUE : escape.codePointAt(0);
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < pattern.length(); ) {
            int cp = pattern.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == escapeCp) {
                if (i >= pattern.length()) {
                    throw new InvalidPatternException("it ends with the escape character '" + escape
                            + "', which must be followed by '_', '%' or itself");
                }
                int next = pattern.codePointAt(i);
                if (next != '_' && next != '%' && next != escapeCp) {
                    throw new InvalidPatternException("the escape character '" + escape + "' is followed by '"
                            + new String(Character.toChars(next)) + "', but only '_', '%' and '" + escape
                            + "' may be escaped");
                }
                i += Character.charCount(next);
                codes.add(next);
            } else if (cp == '_') {
                codes.add(ONE);
            } else if (cp == '%') {
                if (codes.isEmpty() || codes.get(codes.size() - 1) != ANY) {
                    codes.add(ANY);
                }
            } else {
                codes.add(cp);
            }
        }
        return specialise(codes.stream().mapToInt(Integer::intValue).toArray(), pattern, escape);
    }

    private static LikePattern specialise(int[] codes, String source, String escape) {
        int n = codes.length;
        boolean leading = n > 0 && codes[0] == ANY;
        boolean trailing = n > 0 && codes[n - 1] == ANY;
        int from = leading ? 1 : 0;
        int to = trailing && n > from ? n - 1 : n;
        StringBuilder literal = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (codes[i] < 0) {
                return new General(codes, source, escape);
            }
            literal.appendCodePoint(codes[i]);
        }
        String text = literal.toString();
        if (leading && trailing) {
            return new Contains(text, source, escape);
        }
        if (leading) {
            return new Suffix(text, source, escape);
        }
        if (trailing) {
            return new Prefix(text, source, escape);
        }
        return new Exact(text, source, escape);
    }

    @Override
    public String toString() {
        String quoted = new Literal(source).toString();
        return escape == null ? quoted : quoted + " ESCAPE " + new Literal(escape);
    }

    private static final class Exact extends LikePattern {
        private final String literal;

        Exact(String literal, String source, String escape) {
            super(source, escape);
            this.literal = literal;
        }

        @Override
        boolean matches(String s) {
            return s.equals(literal);
        }
    }

    private static final class Prefix extends LikePattern {
        private final String literal;

        Prefix(String literal, String source, String escape) {
            super(source, escape);
            this.literal = literal;
        }

        @Override
        boolean matches(String s) {
            return s.startsWith(literal);
        }
    }

    private static final class Suffix extends LikePattern {
        private final String literal;

        Suffix(String literal, String source, String escape) {
            super(source, escape);
            this.literal = literal;
        }

        @Override
        boolean matches(String s) {
            return s.endsWith(literal);
        }
    }

    private static final class Contains extends LikePattern {
        private final String literal;

        Contains(String literal, String source, String escape) {
            super(source, escape);
            this.literal = literal;
        }

        @Override
        boolean matches(String s) {
            return s.contains(literal);
        }
    }

    private static final class General extends LikePattern {
        private final int[] codes;

        General(int[] codes, String source, String escape) {
            super(source, escape);
            this.codes = codes;
        }

        @Override
        boolean matches(String s) {
            int[] p = codes;
            int i = 0;
            int j = 0;
            int lastAny = -1;
            int resumeAt = 0;
            while (i < s.length()) {
                int cp = s.codePointAt(i);
                if (j < p.length && p[j] == ANY) {
                    lastAny = j++;
                    resumeAt = i;
                } else if (j < p.length && (p[j] == ONE || p[j] == cp)) {
                    i += Character.charCount(cp);
                    j++;
                } else if (lastAny >= 0) {
                    // Let the last % swallow one more character and retry the rest of the pattern.
                    resumeAt += Character.charCount(s.codePointAt(resumeAt));
                    i = resumeAt;
                    j = lastAny + 1;
                } else {
                    return false;
                }
            }
            while (j < p.length && p[j] == ANY) {
                j++;
            }
            return j == p.length;
        }
    }
}
