package io.ferrymq.core.filter.selector;

import io.ferrymq.core.message.Filterable;

import java.util.List;
import java.util.Set;

/**
 * {@code x [NOT] IN ('a', 'b', ...)}. The list is a hash set, so long lists cost the same as short
 * ones. A NULL x gives UNKNOWN, as the specification says; a non-string x (the specification only
 * admits strings) is UNKNOWN as well, so neither IN nor NOT IN selects it.
 */
final class In implements Expression {

    private final Expression value;
    private final Set<String> candidates;
    private final boolean negated;
    private final String rendered;

    In(Expression value, List<String> candidates, boolean negated) {
        this.value = value;
        this.candidates = Set.copyOf(candidates);
        this.negated = negated;
        this.rendered = render(value, candidates, negated);
    }

    @Override
    public Object evaluate(Filterable values) {
        return value.evaluate(values) instanceof String s ? Logic.of(candidates.contains(s) != negated) : null;
    }

    private static String render(Expression value, List<String> candidates, boolean negated) {
        StringBuilder sb = new StringBuilder("(").append(value).append(negated ? " NOT IN (" : " IN (");
        for (int i = 0; i < candidates.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(new Literal(candidates.get(i)));
        }
        return sb.append("))").toString();
    }

    @Override
    public String toString() {
        return rendered;
    }
}
