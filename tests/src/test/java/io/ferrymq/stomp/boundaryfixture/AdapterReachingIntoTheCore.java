package io.ferrymq.stomp.boundaryfixture;

import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.vhost.VirtualHost;

/** What the adapter-boundary rule must catch: protocol code that reaches past the core's API. */
public final class AdapterReachingIntoTheCore {

    private AdapterReachingIntoTheCore() {
    }

    static long sneakAround(VirtualHost vhost, Journal journal) {
        return vhost.nextMessageId() + journal.hashCode();
    }
}
