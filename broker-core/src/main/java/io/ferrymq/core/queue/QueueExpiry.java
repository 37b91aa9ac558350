package io.ferrymq.core.queue;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.exec.Clock;
import io.ferrymq.core.exec.Scheduler;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * RabbitMQ's queue expiry ({@code x-expires}): a queue unused for that many milliseconds (no consumers,
 * no pulls, not redeclared) is deleted, durable or not. The lease starts when the queue is created or
 * recovered, so after a restart a durable queue has its full time again, as in RabbitMQ. Runs on the
 * queue's executor.
 */
final class QueueExpiry {

    /** The queue argument holding the lease in milliseconds. */
    static final String ARGUMENT = "x-expires";

    private final Queue queue;
    private final QueueHost host;
    private final QueueState state;
    private final Clock clock;
    private final long leaseMillis;
    private final DeadlineTimer timer;
    private long lastUsed;

    QueueExpiry(Queue queue, QueueHost host, QueueState state, long leaseMillis, Scheduler scheduler, Clock clock,
                Executor executor) {
        this.queue = queue;
        this.host = host;
        this.state = state;
        this.clock = clock;
        this.leaseMillis = leaseMillis;
        this.timer = new DeadlineTimer(scheduler, clock, executor, this::due);
    }

    /**
     * The lease {@code arguments} ask for; 0 for none.
     *
     * @throws BrokerException INVALID_ARGUMENT unless it is a positive whole number
     */
    static long leaseMillis(String queueName, Map<String, Object> arguments) {
        Object v = arguments.get(ARGUMENT);
        if (v == null) {
            return 0;
        }
        long n;
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long) {
            n = ((Number) v).longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw BrokerException.invalid("invalid arg '" + ARGUMENT + "' for queue '" + queueName + "': '" + v
                        + "' (it must be a whole number of milliseconds above 0)");
            }
        }
        if (n <= 0) {
            throw BrokerException.invalid("invalid arg '" + ARGUMENT + "' for queue '" + queueName + "': " + n
                    + " (it must be a whole number of milliseconds above 0)");
        }
        return n;
    }

    /** Starts the lease: at creation, and again at recovery. */
    void start() {
        used();
    }

    /** The queue was just used, or has just lost its last consumer: the lease runs from now. */
    void used() {
        if (leaseMillis == 0) {
            return;
        }
        lastUsed = clock.millis();
        timer.ensure(lastUsed + leaseMillis);
    }

    void cancel() {
        timer.cancel();
    }

    private void due() {
        if (state.deleted) {
            return;
        }
        if (!state.consumers.isEmpty() || !state.browsers.isEmpty() || !state.pulls.isEmpty()) {
            // In use: look again a lease later (a long-polling pull may be all that uses it).
            used();
            return;
        }
        long at = lastUsed + leaseMillis;
        if (clock.millis() < at) {
            timer.ensure(at);
            return;
        }
        host.expired(queue);
    }
}
