package io.ferrymq.bench.driver;

/**
 * How consumers acknowledge. The names are STOMP's; other protocols map them onto theirs
 * (MQTT QoS 0 / 1, AMQP pre-settled / settled, JMS AUTO / CLIENT / INDIVIDUAL).
 */
public enum AckMode {
    /** Settled by the broker when sent: at most once. */
    AUTO,
    /** Cumulative: one acknowledgement covers every earlier message of the subscription. */
    CLIENT,
    /** One acknowledgement per message. */
    CLIENT_INDIVIDUAL;

    /** The STOMP {@code ack} header value. */
    public String stompName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
