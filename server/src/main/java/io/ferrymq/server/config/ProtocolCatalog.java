package io.ferrymq.server.config;

import io.ferrymq.transport.ProtocolFactory;

import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The protocols on the class path: every module that lists a {@link ProtocolFactory} in
 * {@code META-INF/services/io.ferrymq.transport.ProtocolFactory}.
 */
public final class ProtocolCatalog {

    private final Map<String, ProtocolFactory<?>> factories;

    private ProtocolCatalog(Map<String, ProtocolFactory<?>> factories) {
        this.factories = Map.copyOf(factories);
    }

    /** What {@link ServiceLoader} finds with this class's loader. */
    public static ProtocolCatalog discover() {
        Map<String, ProtocolFactory<?>> found = new TreeMap<>();
        try {
            for (ProtocolFactory<?> f : ServiceLoader.load(ProtocolFactory.class, ProtocolCatalog.class.getClassLoader())) {
                ProtocolFactory<?> clash = found.put(f.name(), f);
                if (clash != null) {
                    throw new ConfigException("two protocol modules are both called '" + f.name() + "': "
                            + clash.getClass().getName() + " and " + f.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigException("a protocol module cannot be loaded: " + e.getMessage(), e);
        }
        return new ProtocolCatalog(found);
    }

    /** The factory of a protocol, or null when no module on the class path is called so. */
    public ProtocolFactory<?> get(String name) {
        return factories.get(name);
    }

    /** Every protocol name, sorted: what a listener may list and which sections {@code broker.yaml} may have. */
    public SortedSet<String> names() {
        return new TreeSet<>(factories.keySet());
    }
}
