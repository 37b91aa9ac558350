package io.ferrymq.amqp;

/**
 * AMQP 1.0 listener behaviour.
 *
 * @param maxFrameSize         the largest frame the broker accepts (advertised in open); bigger ones close the
 *                             connection with {@code amqp:connection:framing-error}
 * @param channelMax           the highest channel (session) number a client may use
 * @param idleTimeoutMillis    a client silent for this long is disconnected; the broker advertises half of it
 *                             so that clients send heartbeats in time (0 disables the check)
 * @param allowAnonymous       offer SASL ANONYMOUS and accept clients that skip SASL; they act as the realm's
 *                             anonymous user, so this also needs {@code security.anonymous-user}
 * @param connectTimeoutMillis time a new connection has to finish its header, SASL and open
 * @param producerCredit       credit each producer link is given: the messages it may have unconfirmed
 * @param maxMessageSize       the largest message accepted (advertised on producer links); 0 for no limit
 * @param sessionWindowFrames  the incoming window of each session, in frames of {@code maxFrameSize}
 * @param consumerWindow       deliveries a consumer link may take from its queue beyond those already written to
 *                             the client, whatever credit the client grants (none while the socket is full): what
 *                             a slow reader can hold in broker memory per link
 */
public record AmqpSettings(int maxFrameSize, int channelMax, long idleTimeoutMillis, boolean allowAnonymous,
                           long connectTimeoutMillis, int producerCredit, long maxMessageSize,
                           int sessionWindowFrames, int consumerWindow) {

    /** AMQP's smallest allowed max-frame-size. */
    public static final int MIN_MAX_FRAME_SIZE = 512;

    public AmqpSettings {
        if (maxFrameSize < MIN_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max frame size must be at least " + MIN_MAX_FRAME_SIZE + " bytes");
        }
        if (channelMax < 0 || channelMax > 65535) {
            throw new IllegalArgumentException("channel max must be between 0 and 65535");
        }
        if (idleTimeoutMillis < 0 || idleTimeoutMillis > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("idle timeout must be between 0 and 2^32-1 ms");
        }
        if (connectTimeoutMillis < 1) {
            throw new IllegalArgumentException("connect timeout must be at least 1 ms");
        }
        if (producerCredit < 1 || sessionWindowFrames < 1) {
            throw new IllegalArgumentException("producer credit and session window must be at least 1");
        }
        if (consumerWindow < 1) {
            throw new IllegalArgumentException("consumer window must be at least 1");
        }
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("max message size must not be negative");
        }
    }

    public static AmqpSettings defaults() {
        return new AmqpSettings(128 * 1024, 2047, 60_000, false, 30_000, 500, 100L * 1024 * 1024, 2048, 100);
    }

    public AmqpSettings withMaxFrameSize(int v) {
        return new AmqpSettings(v, channelMax, idleTimeoutMillis, allowAnonymous, connectTimeoutMillis, producerCredit,
                maxMessageSize, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withChannelMax(int v) {
        return new AmqpSettings(maxFrameSize, v, idleTimeoutMillis, allowAnonymous, connectTimeoutMillis,
                producerCredit, maxMessageSize, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withIdleTimeoutMillis(long v) {
        return new AmqpSettings(maxFrameSize, channelMax, v, allowAnonymous, connectTimeoutMillis, producerCredit,
                maxMessageSize, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withAllowAnonymous(boolean v) {
        return new AmqpSettings(maxFrameSize, channelMax, idleTimeoutMillis, v, connectTimeoutMillis, producerCredit,
                maxMessageSize, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withConnectTimeoutMillis(long v) {
        return new AmqpSettings(maxFrameSize, channelMax, idleTimeoutMillis, allowAnonymous, v, producerCredit,
                maxMessageSize, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withProducerCredit(int v) {
        return new AmqpSettings(maxFrameSize, channelMax, idleTimeoutMillis, allowAnonymous, connectTimeoutMillis, v,
                maxMessageSize, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withMaxMessageSize(long v) {
        return new AmqpSettings(maxFrameSize, channelMax, idleTimeoutMillis, allowAnonymous, connectTimeoutMillis,
                producerCredit, v, sessionWindowFrames, consumerWindow);
    }

    public AmqpSettings withSessionWindowFrames(int v) {
        return new AmqpSettings(maxFrameSize, channelMax, idleTimeoutMillis, allowAnonymous, connectTimeoutMillis,
                producerCredit, maxMessageSize, v, consumerWindow);
    }

    public AmqpSettings withConsumerWindow(int v) {
        return new AmqpSettings(maxFrameSize, channelMax, idleTimeoutMillis, allowAnonymous, connectTimeoutMillis,
                producerCredit, maxMessageSize, sessionWindowFrames, v);
    }
}
