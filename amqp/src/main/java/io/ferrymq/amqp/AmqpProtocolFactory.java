package io.ferrymq.amqp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;

/** Registers AMQP 1.0 with the server and reads its {@code amqp} section; the defaults are {@link AmqpSettings#defaults()}. */
public final class AmqpProtocolFactory implements ProtocolFactory<AmqpSettings> {

    @Override
    public String name() {
        return AmqpProtocol.NAME;
    }

    @Override
    public AmqpSettings settings(ProtocolSection s, ConfiguredUsers users) {
        AmqpSettings d = AmqpSettings.defaults();
        int maxFrame = s.intBytes("max-frame-size", d.maxFrameSize());
        int channelMax = s.integer("channel-max", d.channelMax());
        long idleTimeout = s.millis("idle-timeout", d.idleTimeoutMillis());
        boolean anonymous = s.bool("allow-anonymous", d.allowAnonymous());
        long connectTimeout = s.millis("connect-timeout", d.connectTimeoutMillis());
        int producerCredit = s.integer("producer-credit", d.producerCredit());
        long maxMessage = s.bytes("max-message-size", d.maxMessageSize());
        int sessionWindow = s.integer("session-window-frames", d.sessionWindowFrames());
        int consumerWindow = s.integer("consumer-window", d.consumerWindow());
        s.rejectUnknown();
        if (anonymous && users.anonymousUser() == null) {
            throw new SettingException(s.setting("allow-anonymous")
                    + " needs security.anonymous-user: the user anonymous clients act as");
        }
        try {
            return d.withMaxFrameSize(maxFrame)
                    .withChannelMax(channelMax)
                    .withIdleTimeoutMillis(idleTimeout)
                    .withAllowAnonymous(anonymous)
                    .withConnectTimeoutMillis(connectTimeout)
                    .withProducerCredit(producerCredit)
                    .withMaxMessageSize(maxMessage)
                    .withSessionWindowFrames(sessionWindow)
                    .withConsumerWindow(consumerWindow);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    @Override
    public ProtocolModule create(Broker broker, AmqpSettings settings) {
        return new AmqpProtocol(broker, settings);
    }
}
