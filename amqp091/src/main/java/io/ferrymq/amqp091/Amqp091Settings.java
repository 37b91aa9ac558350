package io.ferrymq.amqp091;

/**
 * AMQP 0-9-1 listener behaviour.
 *
 * @param frameMax             largest frame offered in connection.tune (bytes, overhead included)
 * @param channelMax           highest channel number offered in connection.tune
 * @param heartbeatSeconds     heartbeat interval offered in connection.tune; 0 offers none
 * @param connectTimeoutMillis a connection must finish its handshake (up to connection.open) within this
 * @param consumerWindow       deliveries in flight to a consumer without a prefetch limit (basic.qos 0)
 * @param maxPendingPublishes  unconfirmed publishes per connection before the broker stops reading from it
 */
public record Amqp091Settings(int frameMax, int channelMax, int heartbeatSeconds, long connectTimeoutMillis,
                              int consumerWindow, int maxPendingPublishes) {

    /** The spec's floor: every peer must accept frames this large. */
    public static final int FRAME_MIN_SIZE = 4096;

    public Amqp091Settings {
        if (frameMax < FRAME_MIN_SIZE) {
            throw new IllegalArgumentException("frame-max must be at least " + FRAME_MIN_SIZE + " bytes");
        }
        if (channelMax < 1 || channelMax > 65535) {
            throw new IllegalArgumentException("channel-max must be between 1 and 65535");
        }
        if (heartbeatSeconds < 0 || heartbeatSeconds > 65535) {
            throw new IllegalArgumentException("heartbeat must be between 0s and 65535s");
        }
        if (connectTimeoutMillis < 1) {
            throw new IllegalArgumentException("connect-timeout must be positive");
        }
        if (consumerWindow < 1 || maxPendingPublishes < 1) {
            throw new IllegalArgumentException("consumer-window and max-pending-publishes must be at least 1");
        }
    }

    public static Amqp091Settings defaults() {
        return new Amqp091Settings(131072, 2047, 60, 10_000, 1000, 1000);
    }

    public Amqp091Settings withFrameMax(int v) {
        return new Amqp091Settings(v, channelMax, heartbeatSeconds, connectTimeoutMillis, consumerWindow,
                maxPendingPublishes);
    }

    public Amqp091Settings withChannelMax(int v) {
        return new Amqp091Settings(frameMax, v, heartbeatSeconds, connectTimeoutMillis, consumerWindow,
                maxPendingPublishes);
    }

    public Amqp091Settings withHeartbeatSeconds(int v) {
        return new Amqp091Settings(frameMax, channelMax, v, connectTimeoutMillis, consumerWindow, maxPendingPublishes);
    }

    public Amqp091Settings withConnectTimeoutMillis(long v) {
        return new Amqp091Settings(frameMax, channelMax, heartbeatSeconds, v, consumerWindow, maxPendingPublishes);
    }

    public Amqp091Settings withConsumerWindow(int v) {
        return new Amqp091Settings(frameMax, channelMax, heartbeatSeconds, connectTimeoutMillis, v,
                maxPendingPublishes);
    }

    public Amqp091Settings withMaxPendingPublishes(int v) {
        return new Amqp091Settings(frameMax, channelMax, heartbeatSeconds, connectTimeoutMillis, consumerWindow, v);
    }
}
