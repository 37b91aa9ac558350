package io.ferrymq.transport.config;

/** A protocol setting the broker cannot run with; the message names the setting and what it accepts. */
public final class SettingException extends RuntimeException {

    public SettingException(String message) {
        super(message);
    }
}
