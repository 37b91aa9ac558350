package io.ferrymq.server.config;

import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;

/**
 * A size in configuration: {@code 1048576}, {@code 512KiB}, {@code 16MiB}, {@code 2GiB}, {@code 10MB}, {@code 50%}
 * (of max heap). Parsed as protocol sections parse theirs, so every size in {@code broker.yaml} reads alike.
 */
public final class ByteSize {

    private ByteSize() {
    }

    public static long parse(String text, String setting) {
        try {
            return ProtocolSection.parseBytes(text, setting);
        } catch (SettingException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }
}
