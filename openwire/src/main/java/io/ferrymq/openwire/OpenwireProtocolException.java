package io.ferrymq.openwire;

/** Bytes that are not OpenWire (or exceed the broker's limits): the connection is closed after one log line. */
final class OpenwireProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OpenwireProtocolException(String message) {
        super(message, null, false, false);
    }
}
