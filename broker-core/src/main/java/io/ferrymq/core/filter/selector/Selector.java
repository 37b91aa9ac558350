package io.ferrymq.core.filter.selector;

import io.ferrymq.core.filter.MessageFilter;
import io.ferrymq.core.message.Filterable;
import io.ferrymq.core.message.Message;

/**
 * A compiled JMS message selector (JMS 2.0 §3.8.1): parse once when a consumer or binding is
 * created, then evaluate against every message. Instances are immutable and thread-safe.
 *
 * <p>Evaluation uses SQL three-valued logic; a message is selected only when the selector is TRUE,
 * so UNKNOWN (for example a comparison with a property the message lacks) does not select it.
 * Evaluation never throws: type mismatches and integer division by zero are part of the logic,
 * not errors, because one odd message must not break delivery to a consumer.
 */
public final class Selector implements MessageFilter {

    private final String text;
    private final Expression root;

    private Selector(String text, Expression root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Compiles a selector.
     *
     * <p>JMS treats a null or empty selector as "no selector"; that decision belongs to the caller,
     * which should then install no filter at all. Here such text is an error, so that it can never
     * turn silently into a filter that matches everything or nothing.
     *
     * @throws SelectorSyntaxException if the text is null, blank or not a valid selector
     */
    public static Selector parse(String text) throws SelectorSyntaxException {
        return new Selector(text, Parser.parse(text));
    }

    /** Whether the selector evaluates to TRUE for these values; FALSE and UNKNOWN do not match. */
    public boolean matches(Filterable values) {
        return root.evaluate(values) instanceof Boolean b && b;
    }

    @Override
    public boolean test(Message message) {
        return matches(message);
    }

    @Override
    public String language() {
        return "sql";
    }

    @Override
    public String expression() {
        return text;
    }

    /** The parsed form, fully parenthesised; lets tests and diagnostics see how precedence resolved. */
    String parsedForm() {
        return root.toString();
    }

    @Override
    public String toString() {
        return "Selector[" + text + "]";
    }
}
