package io.ferrymq.stomp.boundaryfixture;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.journal.Journal;
import io.ferrymq.core.vhost.VirtualHost;

/** What the adapter-boundary rules must catch: protocol code that reaches past the core's API. */
public final class AdapterReachingIntoTheCore {

    private AdapterReachingIntoTheCore() {
    }

    static long sneakAround(VirtualHost vhost, Journal journal) {
        return vhost.nextMessageId() + journal.hashCode();
    }

    static boolean peekPastTheApi(Broker broker) {
        return broker.vhost("/") != null && broker.options().realm() != null;
    }
}
