package io.ferrymq.core.api;

/**
 * Where this broker stands in a high-availability pair, for the operator (management API, metrics). The HA module
 * implements it and the server hands it to {@link Broker#reportClusterStatus}; a broker outside a pair reports
 * {@link #SINGLE}. Read-only, and cheap: it is read at every scrape.
 */
@FunctionalInterface
public interface ClusterStatus {

    /** A broker that is not a member of a pair. */
    ClusterStatus SINGLE = () -> ClusterView.SINGLE;

    ClusterView current();
}
