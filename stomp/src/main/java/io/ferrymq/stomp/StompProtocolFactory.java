package io.ferrymq.stomp;

import io.ferrymq.core.api.Broker;
import io.ferrymq.stomp.codec.StompLimits;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;

/** Registers STOMP with the server and reads its {@code stomp} section; the defaults are {@link StompSettings#defaults()}. */
public final class StompProtocolFactory implements ProtocolFactory<StompSettings> {

    @Override
    public String name() {
        return StompProtocol.NAME;
    }

    @Override
    public StompSettings settings(ProtocolSection s, ConfiguredUsers users) {
        StompSettings d = StompSettings.defaults();
        StompLimits l = d.limits();
        int maxFrame = s.intBytes("max-frame-size", l.maxFrameBytes());
        int maxHeaders = s.integer("max-headers", l.maxHeaders());
        int maxHeaderLine = s.intBytes("max-header-line", l.maxHeaderLineBytes());
        long minHeartBeat = s.millis("min-heart-beat", d.minHeartBeatMillis());
        long connectTimeout = s.millis("connect-timeout", d.connectTimeoutMillis());
        int prefetch = s.integer("default-prefetch", d.defaultPrefetch());
        int pendingSends = s.integer("max-pending-sends", d.maxPendingSends());
        s.rejectUnknown();
        try {
            return d.withLimits(new StompLimits(maxFrame, maxHeaders, maxHeaderLine))
                    .withMinHeartBeatMillis(minHeartBeat)
                    .withConnectTimeoutMillis(connectTimeout)
                    .withDefaultPrefetch(prefetch)
                    .withMaxPendingSends(pendingSends);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    @Override
    public ProtocolModule create(Broker broker, StompSettings settings) {
        return new StompProtocol(broker, settings);
    }
}
