package io.ferrymq.management.metrics;

import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.Reply;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The broker's Prometheus metrics (Micrometer, text format 0.0.4): per-queue depth and counters, connections per
 * protocol, journal fsync latency and group-commit sizes, memory and disk, and the JVM. Queues and protocols come and go, so their meters are brought up to date
 * at each scrape from one snapshot of the broker: a deleted queue's series disappear.
 */
public final class BrokerMetrics implements AutoCloseable {

    private final Operator operator;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** The latest snapshot, read by the meters' functions. */
    private volatile Map<String, Operator.QueueView> queues = Map.of();
    private volatile Map<String, Long> connections = Map.of();
    private final Map<String, List<Meter>> queueMeters = new ConcurrentHashMap<>();
    private final Map<String, Meter> protocolMeters = new ConcurrentHashMap<>();
    /** Per protocol module: messages received, delivered, acknowledged, rejected (see {@link #MESSAGE_COUNTERS}). */
    private volatile Map<String, long[]> messages = Map.of();
    private final Map<String, List<Meter>> messageMeters = new ConcurrentHashMap<>();
    private static final String[][] MESSAGE_COUNTERS = {
            {"ferrymq_messages_received", "Messages clients sent to the broker, by protocol"},
            {"ferrymq_messages_delivered", "Messages the broker delivered to clients, by protocol"},
            {"ferrymq_messages_acknowledged", "Deliveries clients acknowledged (accepted), by protocol"},
            {"ferrymq_messages_rejected", "Deliveries clients rejected (dead-lettered or dropped), by protocol"}};

    public BrokerMetrics(Operator operator) {
        this.operator = operator;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("ferrymq_memory_used_bytes", operator, o -> o.memory().used())
                .description("Message bytes the broker holds in memory").register(registry);
        Gauge.builder("ferrymq_memory_limit_bytes", operator, o -> o.memory().limit())
                .description("The broker's memory limit for messages (0: none)").register(registry);
        File dir = new File(".").getAbsoluteFile();
        Gauge.builder("ferrymq_disk_free_bytes", dir, File::getUsableSpace)
                .description("Free space on the disk the broker runs from").register(registry);
        Gauge.builder("ferrymq_queues", this, m -> m.queues.size()).description("Queues in all virtual hosts")
                .register(registry);
        Gauge.builder("ferrymq_ha_epoch", operator, o -> o.cluster().epoch())
                .description("The HA pair's epoch (0 outside a pair)").register(registry);
        Gauge.builder("ferrymq_replication_lag_entries", operator, o -> o.cluster().lagEntries())
                .description("Journal entries the HA standby has not acknowledged yet").register(registry);
        Gauge.builder("ferrymq_replication_lag_bytes", operator, o -> o.cluster().lagBytes())
                .description("Bytes of the journal entries the HA standby has not acknowledged yet").register(registry);
        Gauge.builder("ferrymq_replication_lag_oldest_seconds", operator, o -> o.cluster().lagOldestMillis() / 1000.0)
                .description("Age of the oldest journal entry the HA standby has not acknowledged").register(registry);
        Timer fsync = Timer.builder("ferrymq_journal_fsync").description("Journal group commits: write and fsync time")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        DistributionSummary batches = DistributionSummary.builder("ferrymq_journal_commit_batches")
                .description("Appends (from any connections) that one journal fsync covered")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(10_000.0).register(registry);
        operator.onStorageCommit((nanos, n) -> {
            fsync.record(nanos, TimeUnit.NANOSECONDS);
            batches.record(n);
        });
    }

    /** Brings the meters up to date and renders them. */
    public synchronized Reply scrape() {
        refresh();
        return Reply.text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
    }

    private void refresh() {
        Map<String, Operator.QueueView> now = new HashMap<>();
        for (Operator.QueueView q : operator.queues()) {
            now.put(q.vhost() + "\u0000" + q.name(), q);
        }
        queues = now;
        for (String key : now.keySet()) {
            queueMeters.computeIfAbsent(key, k -> registerQueue(now.get(k)));
        }
        for (String key : List.copyOf(queueMeters.keySet())) {
            if (!now.containsKey(key)) {
                queueMeters.remove(key).forEach(registry::remove);
            }
        }
        Map<String, Long> byProtocol = new HashMap<>();
        for (Operator.ConnectionView c : operator.connections()) {
            if (!"management-http".equals(c.protocol())) {
                byProtocol.merge(family(c.protocol()), 1L, Long::sum);
            }
        }
        for (String p : protocolMeters.keySet()) {
            byProtocol.putIfAbsent(p, 0L);
        }
        connections = byProtocol;
        refreshMessages();
        for (String p : byProtocol.keySet()) {
            protocolMeters.computeIfAbsent(p, k -> Gauge.builder("ferrymq_connections", this,
                            m -> m.connections.getOrDefault(k, 0L)).tags("protocol", k)
                    .description("Open client connections by protocol").register(registry));
        }
    }

    private void refreshMessages() {
        Map<String, long[]> byFamily = new HashMap<>();
        for (io.ferrymq.core.api.MessageCounters.Counts c : operator.messageCounts()) {
            if ("management-http".equals(c.protocol())) {
                continue;
            }
            long[] sum = byFamily.computeIfAbsent(family(c.protocol()), k -> new long[MESSAGE_COUNTERS.length]);
            sum[0] += c.received();
            sum[1] += c.delivered();
            sum[2] += c.acknowledged();
            sum[3] += c.rejected();
        }
        messages = byFamily;
        for (String p : byFamily.keySet()) {
            messageMeters.computeIfAbsent(p, k -> {
                List<Meter> meters = new ArrayList<>();
                for (int i = 0; i < MESSAGE_COUNTERS.length; i++) {
                    int index = i;
                    meters.add(FunctionCounter.builder(MESSAGE_COUNTERS[i][0], this,
                                    m -> m.messages.getOrDefault(k, new long[MESSAGE_COUNTERS.length])[index])
                            .tags("protocol", k).description(MESSAGE_COUNTERS[i][1]).register(registry));
                }
                return meters;
            });
        }
    }

    /**
     * One series per protocol module, not per version: {@code stomp-1.2} and {@code stomp-1.1} are {@code stomp};
     * {@code amqp-0-9-1} is {@code amqp091} and {@code amqp-1.0} is {@code amqp}, the modules' names.
     */
    static String family(String protocol) {
        if (protocol == null) {
            return "unknown";
        }
        if (protocol.startsWith("amqp-0-9")) {
            return "amqp091";
        }
        int dash = protocol.indexOf('-');
        return dash > 0 ? protocol.substring(0, dash) : protocol;
    }

    private List<Meter> registerQueue(Operator.QueueView q) {
        String key = q.vhost() + "\u0000" + q.name();
        Tags tags = Tags.of("vhost", q.vhost(), "queue", q.name());
        List<Meter> meters = new ArrayList<>();
        meters.add(gauge("ferrymq_queue_messages_ready", "Messages ready for delivery", tags, key, v -> v.stats().ready()));
        meters.add(gauge("ferrymq_queue_messages_in_flight", "Messages delivered and not yet settled", tags, key,
                v -> v.stats().inFlight()));
        meters.add(gauge("ferrymq_queue_messages_scheduled", "Messages waiting for their delivery time", tags, key,
                v -> v.stats().scheduled()));
        meters.add(gauge("ferrymq_queue_messages_paged", "Messages paged out to disk", tags, key, v -> v.stats().paged()));
        meters.add(gauge("ferrymq_queue_messages_bytes", "Bytes of the messages in memory", tags, key,
                v -> v.stats().bytes()));
        meters.add(gauge("ferrymq_queue_consumers", "Consumers of the queue", tags, key, v -> v.stats().consumers()));
        meters.add(counter("ferrymq_queue_messages_enqueued", "Messages the queue took", tags, key,
                v -> v.stats().enqueued()));
        meters.add(counter("ferrymq_queue_messages_acknowledged", "Messages consumed and settled (dequeued)", tags, key,
                v -> v.stats().acknowledged()));
        meters.add(counter("ferrymq_queue_messages_dead_lettered", "Messages dead-lettered", tags, key,
                v -> v.stats().deadLettered()));
        meters.add(counter("ferrymq_queue_messages_expired", "Messages that expired", tags, key,
                v -> v.stats().expired()));
        meters.add(counter("ferrymq_queue_messages_dropped", "Messages dropped by an overflow policy", tags, key,
                v -> v.stats().dropped()));
        return meters;
    }

    private Meter gauge(String name, String help, Tags tags, String key, ToDoubleFunction<Operator.QueueView> value) {
        return Gauge.builder(name, this, m -> read(m, key, value)).tags(tags).description(help).register(registry);
    }

    private Meter counter(String name, String help, Tags tags, String key, ToDoubleFunction<Operator.QueueView> value) {
        return FunctionCounter.builder(name, this, m -> read(m, key, value)).tags(tags).description(help)
                .register(registry);
    }

    private static double read(BrokerMetrics m, String key, ToDoubleFunction<Operator.QueueView> value) {
        Operator.QueueView q = m.queues.get(key);
        return q == null ? Double.NaN : value.applyAsDouble(q);
    }

    @Override
    public void close() {
        operator.onStorageCommit(null);
        gc.close();
        registry.close();
    }
}
