package io.ferrymq.core.policy;

import io.ferrymq.core.errors.BrokerException;

import java.util.Map;

/**
 * The effective settings of one queue: its policy combined with the arguments it was declared with (the
 * RabbitMQ {@code x-} arguments, which every AMQP 0-9-1 client knows) the way RabbitMQ combines them for its
 * classic queues: for the limits (message TTL, max length, max length in bytes) the stricter of the two
 * applies; for everything else (dead-lettering, overflow, single active consumer, redelivery delay, and the
 * delivery limit, whose explicit 0 is how adapters such as SQS turn a policy's limit off) the argument wins.
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
                stricter(args, "x-message-ttl", messageTtlMillis),
                stricter(args, "x-max-length", maxLength),
                stricter(args, "x-max-length-bytes", maxBytes),
                ov,
                nonNegative(args, "x-redelivery-delay", redeliveryDelayMillis),
                bool(args, "x-single-active-consumer", singleActiveConsumer),
                maxMemoryBytes, memoryFull,
                nonNegative(args, "x-deduplication-window", deduplicationWindowMillis));
    }

    /**
     * A limit given both by the policy and by an argument: the smaller applies, as RabbitMQ resolves them
     * ({@code res_min}); 0 is no limit on either side.
     */
    private static long stricter(Map<String, Object> args, String name, long policyValue) {
        long argument = nonNegative(args, name, 0);
        if (argument == 0) {
            return policyValue;
        }
        return policyValue == 0 ? argument : Math.min(policyValue, argument);
    }

    /**
     * The settings as RabbitMQ's queue arguments, for showing what applies to a queue: only those that are set
     * (a dead-letter queue target shows as the default exchange with the queue as routing key).
     */
    public Map<String, Object> asArguments() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (deadLetter != null) {
            out.put("x-dead-letter-exchange", deadLetter.exchange());
            if (deadLetter.routingKey() != null) {
                out.put("x-dead-letter-routing-key", deadLetter.routingKey());
            }
        }
        if (messageTtlMillis > 0) {
            out.put("x-message-ttl", messageTtlMillis);
        }
        if (maxLength > 0) {
            out.put("x-max-length", maxLength);
        }
        if (maxBytes > 0) {
            out.put("x-max-length-bytes", maxBytes);
        }
        if (hasLimits()) {
            out.put("x-overflow", overflow.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        if (maxDeliveries > 0) {
            out.put("x-delivery-limit", (long) maxDeliveries);
        }
        if (singleActiveConsumer) {
            out.put("x-single-active-consumer", true);
        }
        if (redeliveryDelayMillis > 0) {
            out.put("x-redelivery-delay", redeliveryDelayMillis);
        }
        return out;
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
