package io.ferrymq.server.config;

/** A configuration the broker cannot run with; the message names the setting and what it accepts. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
