package io.ferrymq.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret as written in {@code broker.yaml}: the value itself, {@code env:NAME} for an environment variable, or
 * {@code file:path} for a file's content (without its trailing newline), so that the file need not hold it.
 * Error messages name the setting, never the secret.
 */
public final class SecretText {

    private SecretText() {
    }

    /** @return the secret, or null for null */
    public static String resolve(String written, String setting) {
        if (written == null) {
            return null;
        }
        if (written.startsWith("env:")) {
            String name = written.substring(4);
            String value = System.getenv(name);
            if (value == null) {
                throw new ConfigException(setting + ": environment variable " + name + " is not set");
            }
            return value;
        }
        if (written.startsWith("file:")) {
            Path file = Path.of(written.substring(5));
            try {
                return Files.readString(file).stripTrailing();
            } catch (IOException e) {
                throw new ConfigException(setting + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return written;
    }
}
