package io.ferrymq.core.journal;

import java.io.IOException;

/** The journal cannot grow: what did not fit is held until space is back. */
final class NoRoomException extends IOException {

    NoRoomException(String message, Throwable cause) {
        super(message, cause);
    }
}
