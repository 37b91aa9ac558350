package io.ferrymq.core.security;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How many queues each user created ({@link ClientLimits#maxQueuesPerUser()}): a queue counts while it exists,
 * whoever deletes it and however (deleted, auto-deleted, expired), so the count drops by looking rather than by
 * being told. Counted since the broker started: queues recovered from disk are nobody's.
 */
public final class QueueQuota {

    private static final Logger LOG = LoggerFactory.getLogger(QueueQuota.class);

    private final int limit;
    private final BiPredicate<String, String> exists;
    private final Map<String, Set<Name>> created = new HashMap<>();

    /** @param exists whether a queue (virtual host, name) still exists */
    public QueueQuota(int limit, BiPredicate<String, String> exists) {
        this.limit = limit;
        this.exists = exists;
    }

    /**
     * Runs a declaration that may create a queue for {@code user} in {@code vhost}, refusing it when the user is at
     * the limit and the queue does not exist yet.
     *
     * @param createdName the name of the queue {@code declare} created, null when it created none
     * @throws BrokerException RESOURCE_LIMIT_EXCEEDED
     */
    public synchronized <T> T declare(String user, String vhost, String queue, Supplier<T> declare,
                                      Function<T, String> createdName) {
        if (limit == 0) {
            return declare.get();
        }
        Set<Name> mine = created.computeIfAbsent(user, u -> new HashSet<>());
        boolean wouldCreate = queue.isEmpty() || !exists.test(vhost, queue);
        if (wouldCreate && mine.size() >= limit) {
            mine.removeIf(n -> !exists.test(n.vhost, n.queue));
            if (mine.size() >= limit) {
                String message = "user '" + user + "' already has " + mine.size()
                        + " queues, its limit (limits.max-queues-per-user); delete one first";
                LOG.info("Refused queue '{}' in vhost '{}': {}", queue, vhost, message);
                throw new BrokerException(ErrorCode.RESOURCE_LIMIT_EXCEEDED, message);
            }
        }
        T result = declare.get();
        String name = createdName.apply(result);
        if (name != null) {
            mine.add(new Name(vhost, name));
        }
        return result;
    }

    private record Name(String vhost, String queue) { }
}
