package io.ferrymq.core.journal;

/** Bytes that passed the CRC but do not decode: a bug or a format from another version. */
final class MalformedRecordException extends RuntimeException {

    MalformedRecordException(String message) {
        super(message);
    }
}
