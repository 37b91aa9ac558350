package io.ferrymq.core.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The message and receiver state one queue's parts share: where each message reference is (ready, in
 * flight, scheduled) and who may receive (consumers, browsers, waiting pulls, group owners). Owned by
 * the queue's executor, like everything here except {@link #counters}.
 */
final class QueueState {

    final ReadyList ready = new ReadyList();
    final ScheduledRefs scheduled;
    final Leases leases;
    final GroupOwners groups = new GroupOwners();
    final QueueCounters counters = new QueueCounters();
    final InFlightDeliveries inFlight = new InFlightDeliveries(groups, counters);
    final ConsumerLevels consumers = new ConsumerLevels();
    final List<Consumer> browsers = new ArrayList<>();
    final ArrayDeque<PullRequest> pulls = new ArrayDeque<>();
    boolean deleted;

    QueueState(ScheduledRefs scheduled, Leases leases) {
        this.scheduled = scheduled;
        this.leases = leases;
    }
}
