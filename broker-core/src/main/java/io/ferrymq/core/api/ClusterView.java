package io.ferrymq.core.api;

/**
 * A snapshot of the pair as one member sees it.
 *
 * @param role            {@code active} (a standby is connected), {@code alone} (active without a standby),
 *                        {@code standby}, or {@code single} (not in a pair)
 * @param mode            {@code synchronous} (confirmed on the standby's acknowledgement), {@code streaming} (the
 *                        standby receives new entries, still catching up), {@code catching-up} (a snapshot is being
 *                        sent), {@code alone} (no standby), or {@code single}
 * @param epoch           the pair's epoch (0 for single)
 * @param node            this member's node id (null for single)
 * @param peer            the standby (for an active) or active (for a standby), null when there is none
 * @param lagEntries      journal entries written here and not yet acknowledged by the standby
 * @param lagBytes        the bytes of those entries
 * @param lagOldestMillis how long ago the oldest of them was written, 0 when there is none
 */
public record ClusterView(String role, String mode, long epoch, String node, String peer, long lagEntries,
                          long lagBytes, long lagOldestMillis) {

    public static final ClusterView SINGLE = new ClusterView("single", "single", 0, null, null, 0, 0, 0);
}
