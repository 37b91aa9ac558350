package io.ferrymq.server.config;

import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;

/**
 * A duration in configuration: {@code 250} (milliseconds), {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}.
 * Parsed as protocol sections parse theirs, so every duration in {@code broker.yaml} reads alike.
 */
public final class DurationText {

    private DurationText() {
    }

    public static long millis(String text, String setting) {
        try {
            return ProtocolSection.parseMillis(text, setting);
        } catch (SettingException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }
}
