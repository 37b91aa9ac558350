package io.ferrymq.server.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@code broker.yaml}: the user's file is merged over the built-in defaults (objects merge key by
 * key, lists are replaced whole), then bound strictly, so a misspelt setting is an error naming it
 * rather than a silently ignored line. A top-level section named after a protocol is kept apart as plain
 * values: its module reads and checks it when it is built ({@link ProtocolBuilder}).
 */
public final class ConfigLoader {

    private static final String DEFAULTS = "/io/ferrymq/server/defaults.yaml";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);
    private final Set<String> protocols;

    /** A loader that takes a section for each protocol on the class path. */
    public ConfigLoader() {
        this(ProtocolCatalog.discover().names());
    }

    /** A loader that takes a section for each of these protocols. */
    public ConfigLoader(Set<String> protocols) {
        this.protocols = new TreeSet<>(protocols);
    }

    /** The built-in defaults alone: what {@code ferrymq run} uses without {@code --config}. */
    public FerryConfig defaults() {
        return bind(defaultsTree(), "built-in defaults");
    }

    public FerryConfig load(Path file) {
        JsonNode user;
        try {
            user = yaml.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        JsonNode merged = defaultsTree();
        if (user != null && !user.isNull() && !user.isMissingNode()) {
            if (!user.isObject()) {
                throw new ConfigException(file + " must be a YAML mapping of settings");
            }
            merge((ObjectNode) merged, user);
        }
        return bind(merged, file.toString());
    }

    private JsonNode defaultsTree() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return yaml.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in defaults are unreadable", e);
        }
    }

    private static void merge(ObjectNode base, JsonNode over) {
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode existing = base.get(f.getKey());
            if (existing != null && existing.isObject() && f.getValue().isObject()) {
                merge((ObjectNode) existing, f.getValue());
            } else {
                base.set(f.getKey(), f.getValue());
            }
        }
    }

    private FerryConfig bind(JsonNode tree, String source) {
        Map<String, Map<String, Object>> sections = new TreeMap<>();
        Map<String, Object> ha = Map.of();
        if (tree instanceof ObjectNode root) {
            JsonNode haSection = root.remove("ha");
            if (haSection != null && !haSection.isNull()) {
                if (!haSection.isObject()) {
                    throw new ConfigException(source + ": ha must be a mapping of settings");
                }
                // Read and checked by the HA module, like a protocol section by its module.
                ha = yaml.convertValue(haSection, new TypeReference<Map<String, Object>>() { });
            }
            for (String name : protocols) {
                JsonNode section = root.remove(name);
                if (section == null || section.isNull()) {
                    continue;
                }
                if (!section.isObject()) {
                    throw new ConfigException(source + ": " + name + " must be a mapping of settings");
                }
                sections.put(name, yaml.convertValue(section, new TypeReference<Map<String, Object>>() { }));
            }
        }
        try {
            return yaml.treeToValue(tree, FerryConfig.class).withProtocols(sections).withHa(ha);
        } catch (PropertyBindingException e) {
            boolean root = e.getPath().size() == 1;
            throw new ConfigException(source + ": unknown setting '" + e.getPropertyName() + "' at "
                    + e.getPathReference().replace("io.ferrymq.server.config.", "") + "; known settings there: "
                    + knownIds(e) + (root ? ", ha, and the protocol sections " + protocols : ""), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage() + " at "
                    + (e instanceof com.fasterxml.jackson.databind.JsonMappingException m
                    ? m.getPathReference().replace("io.ferrymq.server.config.", "") : "?"), e);
        }
    }

    private static List<String> knownIds(PropertyBindingException e) {
        List<String> known = new ArrayList<>();
        if (e.getKnownPropertyIds() != null) {
            e.getKnownPropertyIds().forEach(id -> known.add(String.valueOf(id)));
        }
        // Bound apart from the file: never a setting a user writes.
        known.remove("protocols");
        known.remove("ha");
        return known;
    }
}
