package io.ferrymq.core.routing;

import java.util.Comparator;

/**
 * A dot-separated name pattern in the AMQP topic style: {@code *} matches exactly one word and
 * {@code #} matches zero or more words ({@code orders.#}, {@code *.eu.*}). Policies, permissions and
 * topic bindings all use it, so one syntax serves every protocol.
 */
public final class NamePattern {

    /** Most specific first: more literal words, then fewer multi-word wildcards, then longer text. */
    public static final Comparator<NamePattern> MOST_SPECIFIC_FIRST = Comparator
            .comparingInt((NamePattern p) -> p.literalWords).reversed()
            .thenComparingInt(p -> p.anyWildcards)
            .thenComparing(Comparator.comparingInt((NamePattern p) -> p.text.length()).reversed())
            .thenComparing(p -> p.text);

    private final String text;
    private final String[] words;
    private final int literalWords;
    private final int anyWildcards;
    private final boolean literal;

    private NamePattern(String text) {
        this.text = text;
        this.words = Words.split(text);
        int lit = 0;
        int any = 0;
        for (String w : words) {
            if (w.equals(Words.ANY)) {
                any++;
            } else if (!w.equals(Words.ONE)) {
                lit++;
            }
        }
        this.literalWords = lit;
        this.anyWildcards = any;
        this.literal = lit == words.length;
    }

    public static NamePattern of(String text) {
        if (text == null) {
            throw new IllegalArgumentException("pattern must not be null");
        }
        return new NamePattern(text);
    }

    public String text() {
        return text;
    }

    public boolean isLiteral() {
        return literal;
    }

    public boolean matches(String name) {
        if (literal) {
            return text.equals(name);
        }
        return matchFrom(words, 0, Words.split(name), 0);
    }

    private static boolean matchFrom(String[] p, int pi, String[] n, int ni) {
        while (pi < p.length) {
            String w = p[pi];
            if (w.equals(Words.ANY)) {
                if (pi == p.length - 1) {
                    return true;
                }
                for (int k = ni; k <= n.length; k++) {
                    if (matchFrom(p, pi + 1, n, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ni >= n.length) {
                return false;
            }
            if (!w.equals(Words.ONE) && !w.equals(n[ni])) {
                return false;
            }
            pi++;
            ni++;
        }
        return ni == n.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamePattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
