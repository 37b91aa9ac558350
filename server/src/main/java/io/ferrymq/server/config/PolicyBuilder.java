package io.ferrymq.server.config;

import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.policy.MemoryFullPolicy;
import io.ferrymq.core.policy.OverflowPolicy;
import io.ferrymq.core.routing.NamePattern;

import java.util.ArrayList;
import java.util.List;

/** Builds address policies from the {@code policies} section. */
public final class PolicyBuilder {

    private PolicyBuilder() {
    }

    public static List<AddressPolicy> build(List<FerryConfig.Policy> policies) {
        List<AddressPolicy> out = new ArrayList<>();
        if (policies == null) {
            return out;
        }
        for (FerryConfig.Policy p : policies) {
            if (p.match() == null || p.match().isBlank()) {
                throw new ConfigException("policies: every policy needs a match pattern (# for everything)");
            }
            String at = "policies[" + p.match() + "].";
            OverflowPolicy overflow = null;
            if (p.overflow() != null) {
                try {
                    overflow = OverflowPolicy.parse(p.overflow());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(at + "overflow: " + e.getMessage());
                }
            }
            if (p.maxDeliveries() != null && p.maxDeliveries() < 0) {
                throw new ConfigException(at + "max-deliveries must not be negative (0 means no limit)");
            }
            if (p.maxLength() != null && p.maxLength() < 0) {
                throw new ConfigException(at + "max-length must not be negative (0 means no limit)");
            }
            out.add(new AddressPolicy(NamePattern.of(p.match()),
                    target(at + "dead-letter", p.deadLetterQueue(), p.deadLetterExchange(), p.deadLetterRoutingKey()),
                    target(at + "expiry", p.expiryQueue(), p.expiryExchange(), p.expiryRoutingKey()),
                    p.maxDeliveries(),
                    p.messageTtl() == null ? null : DurationText.millis(p.messageTtl(), at + "message-ttl"),
                    p.maxLength(),
                    p.maxBytes() == null ? null : ByteSize.parse(p.maxBytes(), at + "max-bytes"),
                    overflow,
                    p.redeliveryDelay() == null ? null : DurationText.millis(p.redeliveryDelay(), at + "redelivery-delay"),
                    p.autoCreateQueues(),
                    p.singleActiveConsumer(),
                    p.maxMemory() == null ? null : ByteSize.parse(p.maxMemory(), at + "max-memory"),
                    memoryFull(at, p.memoryFull())));
        }
        return out;
    }

    private static MemoryFullPolicy memoryFull(String at, String text) {
        if (text == null) {
            return null;
        }
        try {
            return MemoryFullPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at + "memory-full: " + e.getMessage());
        }
    }

    private static DeadLetterTarget target(String what, String queue, String exchange, String key) {
        if (queue != null && exchange != null) {
            throw new ConfigException(what + ": give either a queue or an exchange, not both");
        }
        if (queue != null) {
            return DeadLetterTarget.queue(queue);
        }
        if (exchange != null) {
            return new DeadLetterTarget(exchange, key);
        }
        if (key != null) {
            throw new ConfigException(what + "-routing-key needs a " + what + "-exchange");
        }
        return null;
    }
}
