package io.ferrymq.core.atrest;

/** A file was encrypted with another key than the configured one (or none is configured): start-up stops. */
public final class WrongKeyException extends IllegalStateException {

    public WrongKeyException(String message) {
        super(message);
    }
}
