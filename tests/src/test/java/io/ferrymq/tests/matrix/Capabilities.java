package io.ferrymq.tests.matrix;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an endpoint can put into a message it sends and what it can see in a message it receives. A cell
 * checks a feature only where both sides carry it, and says in its name what it checks instead.
 */
public record Capabilities(Set<Feature> sends, Set<Feature> receives) {

    public Capabilities {
        sends = sends.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(sends);
        receives = receives.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(receives);
    }

    /** The same features both ways. */
    public static Capabilities both(Set<Feature> features) {
        return new Capabilities(features, features);
    }

    public boolean canSend(Feature f) {
        return sends.contains(f);
    }

    public boolean canReceive(Feature f) {
        return receives.contains(f);
    }
}
