package io.ferrymq.management.api;

import io.ferrymq.core.api.Operator;
import io.ferrymq.management.http.ApiException;
import io.ferrymq.management.http.Reply;
import io.ferrymq.transport.BrokerVersion;
import io.ferrymq.transport.ConnectionDirectory;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /api/overview} and {@code /api/vhosts}: versions, uptime, listeners, totals, rates, memory and disk. */
final class OverviewResource {

    private final Operator operator;
    private final MessageRates rates;
    private volatile ConnectionDirectory directory;

    OverviewResource(Operator operator, MessageRates rates) {
        this.operator = operator;
        this.rates = rates;
    }

    void attach(ConnectionDirectory directory) {
        this.directory = directory;
    }

    CompletableFuture<Reply> overview(Call c) {
        List<Operator.QueueView> queues = operator.queues();
        long ready = 0;
        long unacked = 0;
        for (Operator.QueueView q : queues) {
            ready += q.stats().ready() + q.stats().paged();
            unacked += q.stats().inFlight();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        String version = BrokerVersion.text();
        m.put("management_version", version);
        m.put("product_name", "FerryMQ");
        m.put("product_version", version);
        m.put("rabbitmq_version", version);
        m.put("cluster_name", "ferrymq");
        m.put("node", "ferrymq");
        m.put("uptime", System.currentTimeMillis() - operator.startedAt());
        m.put("listeners", listeners());
        Map<String, Object> objects = new LinkedHashMap<>();
        long connections = operator.connections().stream().filter(x -> !CallerSessions.PROTOCOL.equals(x.protocol())).count();
        objects.put("connections", connections);
        objects.put("channels", 0L);
        objects.put("consumers", operator.consumers().size());
        objects.put("exchanges", operator.exchanges().size());
        objects.put("queues", queues.size());
        m.put("object_totals", objects);
        m.put("queue_totals", Map.of("messages", ready + unacked, "messages_ready", ready,
                "messages_unacknowledged", unacked));
        m.put("message_stats", rates.sample(queues));
        Operator.MemoryView mem = operator.memory();
        m.put("memory", Map.of("used", mem.used(), "limit", mem.limit()));
        File here = new File(".").getAbsoluteFile();
        m.put("disk", Map.of("free", here.getUsableSpace(), "total", here.getTotalSpace()));
        m.put("ha", ha(operator.cluster()));
        Runtime rt = Runtime.getRuntime();
        m.put("jvm", Map.of("heap_used", rt.totalMemory() - rt.freeMemory(), "heap_max", rt.maxMemory()));
        return operator.channels().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).thenApply(channels -> {
            objects.put("channels", channels.stream().filter(x -> !CallerSessions.PROTOCOL.equals(x.protocol())).count());
            return Reply.ok(m);
        });
    }

    /** The broker's place in an HA pair ({@code single} outside one) and how far its standby lags behind. */
    private static Map<String, Object> ha(io.ferrymq.core.api.ClusterView v) {
        Map<String, Object> ha = new LinkedHashMap<>();
        ha.put("role", v.role());
        ha.put("mode", v.mode());
        ha.put("epoch", v.epoch());
        ha.put("node", v.node());
        ha.put("peer", v.peer());
        Map<String, Object> lag = new LinkedHashMap<>();
        lag.put("entries", v.lagEntries());
        lag.put("bytes", v.lagBytes());
        lag.put("oldest_age_ms", v.lagOldestMillis());
        ha.put("replication_lag", lag);
        return ha;
    }

    private List<Map<String, Object>> listeners() {
        List<Map<String, Object>> out = new ArrayList<>();
        ConnectionDirectory d = directory;
        if (d == null) {
            return out;
        }
        d.listeners().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            InetSocketAddress a = e.getValue();
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("node", "ferrymq");
            l.put("protocol", e.getKey());
            l.put("ip_address", a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress());
            l.put("port", a.getPort());
            out.add(l);
        });
        return out;
    }

    CompletableFuture<Reply> vhosts(Call c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String v : operator.vhosts()) {
            if (c.caller().seesVhost(v)) {
                out.add(vhost(v));
            }
        }
        return CompletableFuture.completedFuture(Reply.ok(out));
    }

    CompletableFuture<Reply> vhost(Call c) {
        String name = c.param("vhost");
        if (!operator.vhosts().contains(name)) {
            throw ApiException.notFound("no virtual host '" + name + "'");
        }
        return CompletableFuture.completedFuture(Reply.ok(vhost(name)));
    }

    private Map<String, Object> vhost(String name) {
        long ready = 0;
        long unacked = 0;
        for (Operator.QueueView q : operator.queues()) {
            if (q.vhost().equals(name)) {
                ready += q.stats().ready() + q.stats().paged();
                unacked += q.stats().inFlight();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("tracing", false);
        m.put("messages", ready + unacked);
        m.put("messages_ready", ready);
        m.put("messages_unacknowledged", unacked);
        return m;
    }
}
