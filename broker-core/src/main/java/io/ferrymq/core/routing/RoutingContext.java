package io.ferrymq.core.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the targets one publish reaches. A target reached through several bindings receives the
 * message once; exchange-to-exchange loops are cut.
 */
public final class RoutingContext {

    private static final int MAX_EXCHANGE_HOPS = 16;

    private final List<BindingTarget> targets = new ArrayList<>(4);
    /**
     * The exchange entered first, and the list of those entered after it, made at the first exchange-to-exchange
     * hop: most publishes enter one exchange only.
     */
    private Exchange first;
    private List<Exchange> visitedAfterFirst;

    /** Adds a queue or stream target unless already present (small lists: a scan beats hashing). */
    public void add(BindingTarget t) {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i) == t) {
                return;
            }
        }
        targets.add(t);
    }

    /** True the first time an exchange is entered during this publish. */
    boolean enter(Exchange e) {
        if (first == null) {
            first = e;
            return true;
        }
        if (e == first) {
            return false;
        }
        if (visitedAfterFirst == null) {
            visitedAfterFirst = new ArrayList<>(2);
        }
        if (1 + visitedAfterFirst.size() >= MAX_EXCHANGE_HOPS || visitedAfterFirst.contains(e)) {
            return false;
        }
        visitedAfterFirst.add(e);
        return true;
    }

    public List<BindingTarget> targets() {
        return targets;
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }
}
