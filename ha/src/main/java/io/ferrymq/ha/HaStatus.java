package io.ferrymq.ha;

/**
 * What a pair member is doing.
 *
 * @param standby for an active: its standby and how far it has acknowledged, or null when it is alone
 * @param appliedThrough for a standby: the last sequence on its disk (-1 before a snapshot)
 */
public record HaStatus(String nodeId, HaNode.Role role, long epoch, String standby, boolean followingActive,
                       long appliedThrough) {
}
