package io.ferrymq.management.cli;

/** A command that could not do its work, with what to tell the user and the exit code. */
final class CliException extends RuntimeException {

    static final int REFUSED = 1;
    static final int UNREACHABLE = 2;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
