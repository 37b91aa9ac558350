package io.ferrymq.server.bridge;

import io.ferrymq.core.api.Broker;
import io.ferrymq.server.config.ConfigException;
import io.ferrymq.server.config.FerryConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/** The {@code stream-bridges} of {@code broker.yaml}: checked, then started before the listeners open. */
public final class StreamBridges {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

    private StreamBridges() {
    }

    /** The bridges' definitions, or a ConfigException naming the setting that is wrong. */
    public static List<StreamBridge.Definition> check(List<FerryConfig.StreamBridge> configured, Broker broker) {
        List<StreamBridge.Definition> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < configured.size(); i++) {
            FerryConfig.StreamBridge c = configured.get(i);
            String where = "stream-bridges[" + i + "]";
            if (c.name() == null || !NAME.matcher(c.name()).matches()) {
                throw new ConfigException(where + ".name must be 1 to 128 letters, digits, '_', '.' or '-'");
            }
            where = "stream-bridges." + c.name();
            if (!names.add(c.name())) {
                throw new ConfigException(where + ": the name is used twice");
            }
            if (c.stream() == null || c.stream().isBlank()) {
                throw new ConfigException(where + ".stream is missing: the stream the messages go into");
            }
            if ((c.pattern() == null) == (c.mqttTopicFilter() == null)) {
                throw new ConfigException(where + ": give either pattern (with exchange) or mqtt-topic-filter");
            }
            String vhost = c.vhost() == null ? "/" : c.vhost();
            if (!broker.hasVirtualHost(vhost)) {
                throw new ConfigException(where + ".vhost: no virtual host '" + vhost + "'");
            }
            String exchange = c.exchange() == null ? "amq.topic" : c.exchange();
            String pattern = c.pattern() != null ? c.pattern() : StreamBridge.patternOfMqttFilter(c.mqttTopicFilter());
            int shards = c.shards() == null ? 1 : c.shards();
            if (shards < 1 || shards > 10_000) {
                throw new ConfigException(where + ".shards must be from 1 to 10000, not " + shards);
            }
            out.add(new StreamBridge.Definition(c.name(), vhost, exchange, pattern, c.stream(), shards,
                    partitionKey(c, where)));
        }
        return out;
    }

    private static StreamBridge.PartitionKey partitionKey(FerryConfig.StreamBridge c, String where) {
        String k = c.partitionKey() == null ? (c.mqttTopicFilter() != null ? "topic" : "routing-key")
                : c.partitionKey();
        if (k.equals("topic")) {
            return new StreamBridge.PartitionKey.Topic();
        }
        if (k.equals("routing-key")) {
            return new StreamBridge.PartitionKey.RoutingKey();
        }
        if (k.startsWith("property:") && k.length() > "property:".length()) {
            return new StreamBridge.PartitionKey.Property(k.substring("property:".length()));
        }
        throw new ConfigException(where + ".partition-key must be topic, routing-key or property:NAME, not '" + k + "'");
    }

    /** Checks and starts the configured bridges; waits until they run. */
    public static List<StreamBridge> start(Broker broker, List<FerryConfig.StreamBridge> configured) {
        List<StreamBridge> started = new ArrayList<>();
        try {
            for (StreamBridge.Definition d : check(configured, broker)) {
                StreamBridge b = new StreamBridge(broker, d);
                started.add(b);
                b.start().get(60, TimeUnit.SECONDS);
            }
            return started;
        } catch (ExecutionException e) {
            close(started);
            throw new ConfigException("a stream bridge could not start: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            close(started);
            throw new ConfigException("a stream bridge did not start within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(started);
            throw new ConfigException("interrupted while stream bridges started", e);
        } catch (RuntimeException e) {
            close(started);
            throw e;
        }
    }

    public static void close(List<StreamBridge> bridges) {
        bridges.forEach(StreamBridge::close);
    }
}
