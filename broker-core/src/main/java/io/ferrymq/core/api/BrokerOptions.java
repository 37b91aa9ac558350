package io.ferrymq.core.api;

import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.security.ClientLimits;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.storage.InMemoryStorage;
import io.ferrymq.core.storage.Storage;

import java.util.List;
import java.util.Objects;

/**
 * What a broker is made of. The server builds these from {@code broker.yaml}; tests build them directly.
 *
 * @param memoryLimitBytes messages held in memory before producers are slowed; 0 for no limit
 * @param expiryScanMillis how often queues look for expired messages (they also check on delivery)
 * @param vhosts           virtual hosts to create; the default {@code /} is always among them
 * @param paging           where queues page when memory is full; null to block producers instead
 * @param streams          where stream shard logs are kept; null for a temporary directory (not durable)
 * @param limits           what one client may hold (connections, channels, consumers, queues); null for the defaults
 */
public record BrokerOptions(BrokerRuntime runtime, Storage storage, SecurityRealm realm, PolicyTable policies,
                            long memoryLimitBytes, long expiryScanMillis, List<String> vhosts,
                            io.ferrymq.core.paging.PagingService paging,
                            io.ferrymq.core.stream.StreamStoreOptions streams, ClientLimits limits) {

    public BrokerOptions(BrokerRuntime runtime, Storage storage, SecurityRealm realm, PolicyTable policies,
                         long memoryLimitBytes, long expiryScanMillis, List<String> vhosts,
                         io.ferrymq.core.paging.PagingService paging, io.ferrymq.core.stream.StreamStoreOptions streams) {
        this(runtime, storage, realm, policies, memoryLimitBytes, expiryScanMillis, vhosts, paging, streams, null);
    }

    public BrokerOptions(BrokerRuntime runtime, Storage storage, SecurityRealm realm, PolicyTable policies,
                         long memoryLimitBytes, long expiryScanMillis, List<String> vhosts,
                         io.ferrymq.core.paging.PagingService paging) {
        this(runtime, storage, realm, policies, memoryLimitBytes, expiryScanMillis, vhosts, paging, null, null);
    }

    public BrokerOptions(BrokerRuntime runtime, Storage storage, SecurityRealm realm, PolicyTable policies,
                         long memoryLimitBytes, long expiryScanMillis, List<String> vhosts) {
        this(runtime, storage, realm, policies, memoryLimitBytes, expiryScanMillis, vhosts, null, null, null);
    }

    public BrokerOptions {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(realm, "realm");
        storage = storage == null ? new InMemoryStorage() : storage;
        policies = policies == null ? PolicyTable.empty() : policies;
        limits = limits == null ? ClientLimits.DEFAULTS : limits;
        vhosts = vhosts == null || vhosts.isEmpty() ? List.of(Broker.DEFAULT_VHOST) : List.copyOf(vhosts);
        if (!vhosts.contains(Broker.DEFAULT_VHOST)) {
            vhosts = java.util.stream.Stream.concat(java.util.stream.Stream.of(Broker.DEFAULT_VHOST), vhosts.stream())
                    .toList();
        }
        if (expiryScanMillis <= 0) {
            throw new IllegalArgumentException("expiry scan interval must be positive");
        }
        if (memoryLimitBytes < 0) {
            throw new IllegalArgumentException("memory limit must not be negative");
        }
    }

    public BrokerOptions withLimits(ClientLimits l) {
        return new BrokerOptions(runtime, storage, realm, policies, memoryLimitBytes, expiryScanMillis, vhosts, paging,
                streams, l);
    }

    /** A default memory limit like Artemis': half the heap. */
    public static long defaultMemoryLimit() {
        return Runtime.getRuntime().maxMemory() / 2;
    }
}
