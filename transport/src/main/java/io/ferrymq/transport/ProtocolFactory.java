package io.ferrymq.transport;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;

/**
 * How the server finds a protocol: each protocol module lists its factory in
 * {@code META-INF/services/io.ferrymq.transport.ProtocolFactory}, and the server builds the modules its
 * listeners name through {@link java.util.ServiceLoader}. The server knows no protocol by name.
 *
 * <p>Reading settings and starting the module are two steps so that every listed protocol's section is
 * checked before any module starts (a bad setting then leaves nothing to stop), and so that a test can
 * compare a section with the module's defaults.
 *
 * @param <S> the module's settings: an immutable value whose defaults the module owns
 */
public interface ProtocolFactory<S> {

    /** The name listeners use in {@code broker.yaml}, and the name of this protocol's section there. */
    String name();

    /**
     * Reads this protocol's section of {@code broker.yaml}: absent settings take the module's defaults, and
     * a setting the module does not know is an error.
     *
     * @param section the protocol's own section (empty when the file has none)
     * @param users   what the {@code security} section declares, for settings that name users
     * @throws SettingException naming the setting and what it accepts
     */
    S settings(ProtocolSection section, ConfiguredUsers users);

    /** Starts the module; its timers and background work stop when it is closed, if it is {@link AutoCloseable}. */
    ProtocolModule create(Broker broker, S settings);
}
