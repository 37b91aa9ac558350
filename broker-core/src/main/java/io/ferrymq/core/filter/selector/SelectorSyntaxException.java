package io.ferrymq.core.filter.selector;

/**
 * A selector that cannot be compiled. JMS requires invalid selectors to be refused when they are
 * presented (the client sees {@code InvalidSelectorException}), so every problem the grammar or the
 * literal types reveal is reported here, at parse time, never while messages are being matched.
 *
 * <p>The message quotes the selector (or, for a long one, the part around the problem), names the
 * problem and its 1-based column, and where it helps says what would fix it, so that it can be
 * shown to the user as it is: {@code Invalid selector 'price >> 5': unexpected '>' at column 8}.
 */
public final class SelectorSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Selectors longer than this are quoted only around the problem, to keep log lines readable. */
    private static final int MAX_QUOTED = 80;
    private static final int CONTEXT = 30;

    private final int position;

    SelectorSyntaxException(String selector, int position, String problem) {
        this(selector, position, problem, null);
    }

    /** {@code hint}, when given, follows the column: what was expected or how to fix the problem. */
    SelectorSyntaxException(String selector, int position, String problem, String hint) {
        super(describe(selector, position, problem) + (hint == null ? "" : "; " + hint));
        this.position = position;
    }

    /** The 0-based offset into the selector text where the problem was found. */
    public int position() {
        return position;
    }

    private static String describe(String selector, int position, String problem) {
        if (selector == null) {
            return "Invalid selector: " + problem;
        }
        return "Invalid selector '" + snippet(selector, position) + "': " + problem + " at column " + (position + 1);
    }

    private static String snippet(String selector, int position) {
        String shown;
        if (selector.length() <= MAX_QUOTED) {
            shown = selector;
        } else {
            int from = Math.max(0, position - CONTEXT);
            int to = Math.min(selector.length(), position + CONTEXT);
            shown = (from > 0 ? "..." : "") + selector.substring(from, to) + (to < selector.length() ? "..." : "");
        }
        // One line per error keeps logs greppable; a space has the same width, so columns still line up.
        return shown.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }
}
