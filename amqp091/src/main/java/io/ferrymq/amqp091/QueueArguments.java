package io.ferrymq.amqp091;

import io.ferrymq.core.errors.BrokerException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * queue.declare's {@code x-} arguments: those the core applies (TTL, expiry, length limits, overflow,
 * dead-lettering, delivery limit, single active consumer) pass through unchanged; those whose behaviour
 * the core does not have are refused with 406 rather than silently ignored, so an application never
 * relies on a limit that is not there.
 */
final class QueueArguments {

    private static final Set<String> UNSUPPORTED = Set.of("x-queue-master-locator", "x-initial-cluster-size");
    /** Arguments only a stream queue has. */
    private static final Set<String> STREAM_ONLY = Set.of("x-max-age", "x-stream-max-segment-size-bytes");

    private QueueArguments() {
    }

    static Map<String, Object> check(Map<String, Object> args, boolean durable) {
        if (args.isEmpty()) {
            return args;
        }
        boolean stream = StreamQueues.TYPE.equals(String.valueOf(args.get(StreamQueues.QUEUE_TYPE)));
        for (String name : args.keySet()) {
            if (STREAM_ONLY.contains(name) && !stream) {
                throw BrokerException.preconditionFailed("queue argument '" + name + "' is only for stream queues"
                        + " (x-queue-type stream)");
            }
            if (UNSUPPORTED.contains(name)) {
                throw BrokerException.preconditionFailed("queue argument '" + name + "' is not supported by this"
                        + " broker; supported: x-message-ttl, x-expires, x-max-length, x-max-length-bytes, x-overflow,"
                        + " x-dead-letter-exchange, x-dead-letter-routing-key, x-max-priority, x-delivery-limit,"
                        + " x-single-active-consumer, x-queue-type (classic, quorum, stream), and for streams x-max-age,"
                        + " x-stream-max-segment-size-bytes");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>(args);
        Object priority = args.get("x-max-priority");
        if (priority != null) {
            long p = priority instanceof Number n ? n.longValue() : -1;
            if (p < 1 || p > 255) {
                throw BrokerException.preconditionFailed("invalid arg 'x-max-priority': " + priority
                        + " (it must be a number from 1 to 255)");
            }
        }
        Object expires = args.get("x-expires");
        if (expires != null) {
            boolean integral = expires instanceof Byte || expires instanceof Short || expires instanceof Integer
                    || expires instanceof Long;
            if (!integral || ((Number) expires).longValue() <= 0) {
                throw BrokerException.preconditionFailed("invalid arg 'x-expires': " + expires
                        + " (it must be a whole number of milliseconds above 0)");
            }
        }
        Object type = args.get("x-queue-type");
        if (type != null) {
            String t = type.toString();
            if (t.equals("quorum")) {
                if (!durable) {
                    throw BrokerException.preconditionFailed("invalid property 'non-durable' for queue type"
                            + " quorum: a quorum queue must be durable");
                }
            } else if (!t.equals("classic") && !t.equals(StreamQueues.TYPE)) {
                throw BrokerException.preconditionFailed("invalid arg 'x-queue-type': '" + t + "' is not supported"
                        + " here; use classic, quorum or stream");
            }
        }
        return out;
    }
}
