package io.ferrymq.core.routing;

import java.util.List;

/** Binding-list maintenance shared by the exchange kinds. */
final class Bindings {

    private Bindings() {
    }

    /** Adds, or replaces an equal binding (same identity, maybe a new filter). @return true if new. */
    static boolean addOrReplace(List<Binding> list, Binding binding) {
        int i = list.indexOf(binding);
        if (i >= 0) {
            list.set(i, binding);
            return false;
        }
        list.add(binding);
        return true;
    }
}
