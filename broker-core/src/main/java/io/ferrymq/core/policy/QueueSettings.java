package io.ferrymq.core.policy;

import io.ferrymq.core.errors.BrokerException;

import java.util.Map;

/**
 * The effective settings of one queue: its policy, overridden by the arguments it was declared with
 * (the RabbitMQ {@code x-} arguments, which every AMQP 0-9-1 client knows).
 */
public record QueueSettings(DeadLetterTarget deadLetter, DeadLetterTarget expiry, int maxDeliveries,
                            long messageTtlMillis, long maxLength, long maxBytes, OverflowPolicy overflow,
                            long redeliveryDelayMillis, boolean singleActiveConsumer, long maxMemoryBytes,
                            MemoryFullPolicy memoryFull, long deduplicationWindowMillis) {

    public static final QueueSettings DEFAULTS = new QueueSettings(null, null, 0, 0, 0, 0,
            OverflowPolicy.REJECT_PUBLISH, 0, false, 0, MemoryFullPolicy.PAGE, 0);

    public static QueueSettings from(AddressPolicy p) {
        return new QueueSettings(p.deadLetter(), p.expiry(), p.maxDeliveries(), p.messageTtlMillis(), p.maxLength(),
                p.maxBytes(), p.overflow(), p.redeliveryDelayMillis(), p.singleActiveConsumer(), p.maxMemoryBytes(),
                p.memoryFull(), 0);
    }

    public boolean hasLimits() {
        return maxLength > 0 || maxBytes > 0;
    }

    /**
     * Applies declaration arguments: {@code x-dead-letter-exchange}, {@code x-dead-letter-routing-key},
     * {@code x-message-ttl}, {@code x-max-length}, {@code x-max-length-bytes}, {@code x-overflow},
     * {@code x-delivery-limit}, {@code x-single-active-consumer}, {@code x-redelivery-delay},
     * {@code x-deduplication-window} (milliseconds a deduplication id is remembered). Others are
     * kept on the queue but do not change its behaviour.
     *
     * @throws BrokerException INVALID_ARGUMENT naming the argument and what it accepts
     */
    public QueueSettings withArguments(Map<String, Object> args) {
        if (args == null || args.isEmpty()) {
            return this;
        }
        DeadLetterTarget dl = deadLetter;
        DeadLetterTarget exp = expiry;
        Object dlx = args.get("x-dead-letter-exchange");
        Object dlk = args.get("x-dead-letter-routing-key");
        if (dlx != null || dlk != null) {
            String exchange = dlx != null ? dlx.toString() : dl == null ? "" : dl.exchange();
            dl = new DeadLetterTarget(exchange, dlk == null ? null : dlk.toString());
            // RabbitMQ dead-letters expired messages to the same exchange: the usual retry-with-TTL pattern.
            exp = dl;
        }
        OverflowPolicy ov = overflow;
        Object o = args.get("x-overflow");
        if (o != null) {
            try {
                ov = OverflowPolicy.parse(o.toString().equals("reject-publish-dlx") ? "reject-publish" : o.toString());
            } catch (IllegalArgumentException e) {
                throw BrokerException.invalid("x-overflow: " + e.getMessage());
            }
        }
        long deliveryLimit = nonNegative(args, "x-delivery-limit", maxDeliveries);
        if (deliveryLimit > Integer.MAX_VALUE) {
            throw BrokerException.invalid("x-delivery-limit must be at most " + Integer.MAX_VALUE + ", was "
                    + deliveryLimit);
        }
        return new QueueSettings(dl, exp,
                (int) deliveryLimit,
                nonNegative(args, "x-message-ttl", messageTtlMillis),
                nonNegative(args, "x-max-length", maxLength),
                nonNegative(args, "x-max-length-bytes", maxBytes),
                ov,
                nonNegative(args, "x-redelivery-delay", redeliveryDelayMillis),
                bool(args, "x-single-active-consumer", singleActiveConsumer),
                maxMemoryBytes, memoryFull,
                nonNegative(args, "x-deduplication-window", deduplicationWindowMillis));
    }

    private static long nonNegative(Map<String, Object> args, String name, long fallback) {
        Object v = args.get(name);
        if (v == null) {
            return fallback;
        }
        long n;
        if (v instanceof Number num) {
            n = num.longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw BrokerException.invalid(name + " must be a whole number, was '" + v + "'");
            }
        }
        if (n < 0) {
            throw BrokerException.invalid(name + " must not be negative, was " + n);
        }
        return n;
    }

    private static boolean bool(Map<String, Object> args, String name, boolean fallback) {
        Object v = args.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw BrokerException.invalid(name + " must be true or false, was '" + v + "'");
    }
}
