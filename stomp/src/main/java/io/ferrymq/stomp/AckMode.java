package io.ferrymq.stomp;

import io.ferrymq.core.errors.BrokerException;

/** How a STOMP subscription acknowledges messages. */
enum AckMode {
    /** Settled when sent: at most once. */
    AUTO,
    /** An ACK acknowledges that message and every earlier one of the subscription. */
    CLIENT,
    /** An ACK acknowledges that message only. */
    CLIENT_INDIVIDUAL;

    static AckMode parse(String header) {
        if (header == null || header.equals("auto")) {
            return AUTO;
        }
        return switch (header) {
            case "client" -> CLIENT;
            case "client-individual" -> CLIENT_INDIVIDUAL;
            default -> throw BrokerException.invalid("ack must be auto, client or client-individual, was '"
                    + header + "'");
        };
    }
}
