package io.ferrymq.core.filter;

import io.ferrymq.core.errors.BrokerException;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Compiles filters by language. The core knows {@code sql} (JMS selectors); protocol modules register
 * theirs (SNS filter policies) when they start.
 */
public final class FilterCompiler {

    private final Map<String, Function<String, MessageFilter>> languages = new HashMap<>();

    public synchronized FilterCompiler register(String language, Function<String, MessageFilter> compiler) {
        languages.put(language, compiler);
        return this;
    }

    /**
     * @throws BrokerException INVALID_ARGUMENT for an unknown language or a filter that does not compile,
     *                         with the compiler's explanation
     */
    public MessageFilter compile(FilterSpec spec) {
        Function<String, MessageFilter> compiler;
        synchronized (this) {
            compiler = languages.get(spec.language());
        }
        if (compiler == null) {
            throw BrokerException.invalid("unknown filter language '" + spec.language() + "'");
        }
        try {
            return compiler.apply(spec.expression());
        } catch (BrokerException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw BrokerException.invalid(e.getMessage());
        }
    }
}
