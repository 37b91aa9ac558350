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

    /**
     * Whether every name that {@code other}, itself a pattern (a topic subscription, a binding key), can
     * match is also matched by this pattern; for a name without wildcards this is {@link #matches}. Used
     * for permissions, where a subscription to {@code sensors.#} must not pass a rule for {@code sensors.*}
     * just because {@code *} matches the word {@code #}. Errs on the side of "no" for exotic patterns.
     */
    public boolean covers(String other) {
        if (literal) {
            return text.equals(other);
        }
        return coverFrom(words, 0, Words.split(other), 0);
    }

    private static boolean coverFrom(String[] p, int pi, String[] s, int si) {
        while (pi < p.length) {
            String w = p[pi];
            if (w.equals(Words.ANY)) {
                if (pi == p.length - 1) {
                    return true;
                }
                for (int k = si; k <= s.length; k++) {
                    if (coverFrom(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length) {
                return false;
            }
            String x = s[si];
            // A '#' in the other pattern stands for any number of words: only a '#' here covers it. A '*'
            // there is covered by a '*' here, a literal word by a '*' or the same word.
            if (x.equals(Words.ANY) || (!w.equals(Words.ONE) && !w.equals(x))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length;
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
