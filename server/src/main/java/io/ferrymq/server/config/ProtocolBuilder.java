package io.ferrymq.server.config;

import io.ferrymq.core.api.Broker;
import io.ferrymq.transport.ProtocolFactory;
import io.ferrymq.transport.ProtocolModule;
import io.ferrymq.transport.config.ConfiguredUsers;
import io.ferrymq.transport.config.ProtocolSection;
import io.ferrymq.transport.config.SettingException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the protocol modules that the listeners name, each by its {@link ProtocolFactory} from its own section
 * of the configuration. A protocol no listener serves is not started: its timers and declared exchanges would
 * serve nobody, but its section is still checked. Every section is read before any module starts, so a bad
 * setting leaves nothing running.
 */
public final class ProtocolBuilder {

    private ProtocolBuilder() {
    }

    /** {@link #build(Broker, FerryConfig, ProtocolCatalog)} with the protocols {@link ProtocolCatalog#discover()} finds. */
    public static List<ProtocolModule> build(Broker broker, FerryConfig config) {
        return build(broker, config, ProtocolCatalog.discover());
    }

    /**
     * @throws ConfigException for a protocol no module provides (listing those that are available) or a bad
     *                         protocol setting; modules built before a failure are closed again
     */
    public static List<ProtocolModule> build(Broker broker, FerryConfig config, ProtocolCatalog catalog) {
        Map<String, Prepared<?>> prepared = new LinkedHashMap<>();
        ConfiguredUsers users = users(config.security());
        for (FerryConfig.Listener l : config.listeners() == null ? List.<FerryConfig.Listener>of() : config.listeners()) {
            for (String name : l.protocols() == null ? List.<String>of() : l.protocols()) {
                if (prepared.containsKey(name)) {
                    continue;
                }
                ProtocolFactory<?> factory = catalog.get(name);
                if (factory == null) {
                    throw new ConfigException("listeners." + l.name() + ": unknown protocol '" + name
                            + "'; available: " + String.join(", ", catalog.names()));
                }
                prepared.put(name, prepare(factory, config.protocols().get(name), users));
            }
        }
        // A section whose protocol no listener names is still read, so that its mistakes do not wait for the
        // day a listener names it.
        for (Map.Entry<String, Map<String, Object>> section : config.protocols().entrySet()) {
            ProtocolFactory<?> factory = catalog.get(section.getKey());
            if (factory != null && !prepared.containsKey(section.getKey())) {
                prepare(factory, section.getValue(), users);
            }
        }
        List<ProtocolModule> modules = new ArrayList<>();
        try {
            for (Prepared<?> p : prepared.values()) {
                modules.add(p.create(broker));
            }
            return modules;
        } catch (RuntimeException e) {
            close(modules);
            throw e;
        }
    }

    /**
     * Reads one protocol's section as its module does, without starting anything.
     *
     * @throws ConfigException for a bad protocol setting
     */
    public static Object settings(ProtocolFactory<?> factory, Map<String, Object> section, FerryConfig.Security security) {
        return prepare(factory, section, users(security)).settings();
    }

    /** Stops the modules' own timers and background work (connections are the transport's to close). */
    public static void close(List<ProtocolModule> modules) {
        for (ProtocolModule m : modules) {
            if (m instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing protocol " + m.name() + " failed", e);
                }
            }
        }
    }

    private static <S> Prepared<S> prepare(ProtocolFactory<S> factory, Map<String, Object> section,
                                           ConfiguredUsers users) {
        try {
            return new Prepared<>(factory, factory.settings(ProtocolSection.of(factory.name(), section), users));
        } catch (SettingException e) {
            throw new ConfigException(e.getMessage(), e);
        }
    }

    /** What the security section declares that protocol settings may refer to. */
    private static ConfiguredUsers users(FerryConfig.Security security) {
        if (security == null) {
            return ConfiguredUsers.none();
        }
        Set<String> names = new HashSet<>();
        if (security.users() != null) {
            security.users().forEach(u -> names.add(u.name()));
        }
        names.remove(null);
        return new ConfiguredUsers(names, security.anonymousUser());
    }

    /** A protocol whose settings are read and checked, ready to start. */
    private record Prepared<S>(ProtocolFactory<S> factory, S settings) {
        ProtocolModule create(Broker broker) {
            return factory.create(broker, settings);
        }
    }
}
