package io.ferrymq.management;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;

/** Registers the management API with the server and reads its {@code management} section. */
public final class ManagementProtocolFactory implements ProtocolFactory<ManagementSettings> {

    @Override
    public String name() {
        return ManagementProtocol.NAME;
    }

    @Override
    public ManagementSettings settings(ProtocolSection s, ConfiguredUsers users) {
        ManagementSettings d = ManagementSettings.defaults();
        ManagementSettings out = d
                .withMaxRequestBytes(s.intBytes("max-request-size", d.maxRequestBytes()))
                .withMetricsAuthentication(s.bool("metrics-authentication", d.metricsAuthentication()))
                .withConsole(s.bool("console", d.console()));
        s.rejectUnknown();
        return out;
    }

    @Override
    public ProtocolModule create(Broker broker, ManagementSettings settings) {
        return new ManagementProtocol(broker, settings);
    }
}
