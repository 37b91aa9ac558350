package io.ferrymq.server.config;

import io.ferrymq.core.security.ClientLimits;

/** The {@code limits} section as the core's {@link ClientLimits}; an unset setting keeps its default. */
public final class LimitsBuilder {

    private LimitsBuilder() {
    }

    public static ClientLimits build(FerryConfig.Limits section) {
        ClientLimits d = ClientLimits.DEFAULTS;
        if (section == null) {
            return d;
        }
        try {
            return new ClientLimits(
                    or(section.maxConnections(), d.maxConnections()),
                    or(section.maxConnectionsPerUser(), d.maxConnectionsPerUser()),
                    or(section.maxConnectionsPerSource(), d.maxConnectionsPerSource()),
                    or(section.maxChannelsPerConnection(), d.maxChannelsPerConnection()),
                    or(section.maxConsumersPerConnection(), d.maxConsumersPerConnection()),
                    or(section.maxQueuesPerUser(), d.maxQueuesPerUser()),
                    section.publishBytesPerSecond() == null ? d.publishBytesPerSecond()
                            : ByteSize.parse(section.publishBytesPerSecond(), "limits.publish-bytes-per-second"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("limits." + e.getMessage(), e);
        }
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
