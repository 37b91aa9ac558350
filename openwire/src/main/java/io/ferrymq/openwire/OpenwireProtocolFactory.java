package io.ferrymq.openwire;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;

/** Registers OpenWire with the server and reads its {@code openwire} section; the defaults are {@link OpenwireSettings#defaults()}. */
public final class OpenwireProtocolFactory implements ProtocolFactory<OpenwireSettings> {

    @Override
    public String name() {
        return OpenwireProtocol.NAME;
    }

    @Override
    public OpenwireSettings settings(ProtocolSection s, ConfiguredUsers users) {
        OpenwireSettings d = OpenwireSettings.defaults();
        int maxFrame = s.intBytes("max-frame-size", d.maxFrameSize());
        long inactivity = s.millis("max-inactivity-duration", d.maxInactivityMillis());
        long connectTimeout = s.millis("connect-timeout", d.connectTimeoutMillis());
        int pendingSends = s.integer("max-pending-sends", d.maxPendingSends());
        boolean cache = s.bool("cache-enabled", d.cacheEnabled());
        boolean tight = s.bool("tight-encoding-enabled", d.tightEncodingEnabled());
        boolean failIfNoSpace = s.bool("send-fail-if-no-space", d.sendFailIfNoSpace());
        s.rejectUnknown();
        try {
            return d.withMaxFrameSize(maxFrame)
                    .withMaxInactivityMillis(inactivity)
                    .withConnectTimeoutMillis(connectTimeout)
                    .withMaxPendingSends(pendingSends)
                    .withCacheEnabled(cache)
                    .withTightEncodingEnabled(tight)
                    .withSendFailIfNoSpace(failIfNoSpace);
        } catch (IllegalArgumentException e) {
            throw s.error(e.getMessage());
        }
    }

    @Override
    public ProtocolModule create(Broker broker, OpenwireSettings settings) {
        return new OpenwireProtocol(broker, settings);
    }
}
