package io.ferrymq.core.policy;

import io.ferrymq.core.routing.NamePattern;

import java.util.ArrayList;
import java.util.List;

/**
 * The configured policies, resolved per queue name. Every matching policy contributes; a more specific
 * pattern overrides a less specific one field by field ({@code orders.eu} over {@code orders.*} over
 * {@code orders.#} over {@code #}).
 */
public final class PolicyTable {

    /** What applies where no policy says otherwise: no limits, no dead-lettering, auto-create on. */
    public static final AddressPolicy BUILT_IN = new AddressPolicy(NamePattern.of("#"), null, null, 0, 0L, 0L, 0L,
            OverflowPolicy.REJECT_PUBLISH, 0L, true, false, 0L, MemoryFullPolicy.PAGE);

    private final List<AddressPolicy> leastSpecificFirst;

    public PolicyTable(List<AddressPolicy> policies) {
        List<AddressPolicy> sorted = new ArrayList<>(policies);
        sorted.sort((a, b) -> NamePattern.MOST_SPECIFIC_FIRST.compare(b.match(), a.match()));
        this.leastSpecificFirst = List.copyOf(sorted);
    }

    public static PolicyTable empty() {
        return new PolicyTable(List.of());
    }

    public List<AddressPolicy> policies() {
        return leastSpecificFirst;
    }

    /** The merged policy for a name, with every field set. */
    public AddressPolicy resolve(String name) {
        AddressPolicy effective = BUILT_IN;
        for (AddressPolicy p : leastSpecificFirst) {
            if (p.match().matches(name)) {
                effective = p.over(effective);
            }
        }
        return effective;
    }

    public QueueSettings settingsFor(String queueName) {
        return QueueSettings.from(resolve(queueName));
    }

    public boolean autoCreateQueues(String queueName) {
        return resolve(queueName).autoCreateQueues();
    }
}
