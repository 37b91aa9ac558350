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
    private final List<Exchange> visited = new ArrayList<>(2);

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
        if (visited.size() >= MAX_EXCHANGE_HOPS || visited.contains(e)) {
            return false;
        }
        visited.add(e);
        return true;
    }

    public List<BindingTarget> targets() {
        return targets;
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }
}
