package io.ferrymq.amqp091;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;

/** Registers AMQP 0-9-1 with the server and reads its {@code amqp091} section; defaults: {@link Amqp091Settings#defaults()}. */
public final class Amqp091ProtocolFactory implements ProtocolFactory<Amqp091Settings> {

    @Override
    public String name() {
        return Amqp091Protocol.NAME;
    }

    @Override
    public Amqp091Settings settings(ProtocolSection s, ConfiguredUsers users) {
        Amqp091Settings d = Amqp091Settings.defaults();
        int frameMax = s.intBytes("frame-max", d.frameMax());
        int channelMax = s.integer("channel-max", d.channelMax());
        long heartbeat = s.millis("heartbeat", d.heartbeatSeconds() * 1000L);
        long connectTimeout = s.millis("connect-timeout", d.connectTimeoutMillis());
        int window = s.integer("consumer-window", d.consumerWindow());
        int pending = s.integer("max-pending-publishes", d.maxPendingPublishes());
        s.rejectUnknown();
        if (heartbeat % 1000 != 0) {
            throw s.error("heartbeat", "AMQP 0-9-1 heartbeats are whole seconds, was " + heartbeat + " ms");
        }
        try {
            return d.withFrameMax(frameMax)
                    .withChannelMax(channelMax)
                    .withHeartbeatSeconds((int) Math.min(Integer.MAX_VALUE, heartbeat / 1000))
                    .withConnectTimeoutMillis(connectTimeout)
                    .withConsumerWindow(window)
                    .withMaxPendingPublishes(pending);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    @Override
    public ProtocolModule create(Broker broker, Amqp091Settings settings) {
        return new Amqp091Protocol(broker, settings);
    }
}
