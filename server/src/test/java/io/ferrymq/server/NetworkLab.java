package io.ferrymq.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for partition tests, one per host, each joined to this (root) namespace by a veth pair on
 * its own /30 subnet, the root namespace routing between them. A link between two hosts is cut with a pair of
 * {@code ip rule ... blackhole} rules in the root namespace: the packets are dropped silently, as by a cut cable
 * or a switch that died, while each host still reaches every other one and this process reaches them all.
 * Needs root and iproute2 ({@code ip}); CI runs as root.
 */
final class NetworkLab implements AutoCloseable {

    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    private final String prefix = "fq" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    /** 10.N.*.0/24, N picked per lab so that two labs at once do not share addresses. */
    private final int net = 100 + ThreadLocalRandom.current().nextInt(150);
    private final Map<String, Integer> hosts = new LinkedHashMap<>();
    private final List<List<String>> rules = new ArrayList<>();
    private String forwardingBefore;
    private int nextRulePreference = 100 + ThreadLocalRandom.current().nextInt(10_000);

    /** Fails with what is missing when this machine cannot run the lab (not root, no netns support). */
    NetworkLab() throws IOException {
        forwardingBefore = Files.readString(IP_FORWARD, StandardCharsets.US_ASCII).trim();
        try {
            Files.writeString(IP_FORWARD, "1");
        } catch (IOException e) {
            forwardingBefore = null;
            throw new IllegalStateException("cannot turn on IP forwarding (" + e + "): the partition tests need root"
                    + " and network namespaces; CI runs as root", e);
        }
    }

    /** Adds host {@code name}: a namespace whose address {@link #address} this process can reach. */
    String host(String name) throws IOException, InterruptedException {
        int index = hosts.size() + 1;
        hosts.put(name, index);
        String ns = namespace(name);
        String outside = prefix + "o" + index;
        String inside = prefix + "i" + index;
        ip("netns", "add", ns);
        // No name server inside: the host's one is not reachable from a namespace (nothing NATs for it), and a
        // reverse lookup (ZooKeeper's client makes one per connection) would wait out its timeouts instead of
        // failing at once. 'ip netns exec' mounts this file over /etc/resolv.conf.
        Path netnsEtc = Files.createDirectories(Path.of("/etc/netns", ns));
        Files.writeString(netnsEtc.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
        ip("link", "add", outside, "type", "veth", "peer", "name", inside);
        ip("link", "set", inside, "netns", ns);
        ip("addr", "add", gateway(name) + "/30", "dev", outside);
        ip("link", "set", outside, "up");
        ip("netns", "exec", ns, "ip", "addr", "add", address(name) + "/30", "dev", inside);
        ip("netns", "exec", ns, "ip", "link", "set", inside, "up");
        ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
        ip("netns", "exec", ns, "ip", "route", "add", "default", "via", gateway(name));
        return address(name);
    }

    String namespace(String host) {
        return prefix + "-" + host;
    }

    /** The host's own address, inside its namespace. */
    String address(String host) {
        return "10." + net + "." + (4 * hosts.get(host)) / 256 + "." + ((4 * hosts.get(host)) % 256 + 2);
    }

    private String gateway(String host) {
        return "10." + net + "." + (4 * hosts.get(host)) / 256 + "." + ((4 * hosts.get(host)) % 256 + 1);
    }

    /** Drops every packet between the two hosts, both ways, until {@link #heal}. */
    void cut(String a, String b) throws IOException, InterruptedException {
        for (String[] way : new String[][] {{a, b}, {b, a}}) {
            List<String> rule = List.of("from", address(way[0]), "to", address(way[1]), "pref",
                    String.valueOf(nextRulePreference++), "blackhole");
            List<String> add = new ArrayList<>(List.of("rule", "add"));
            add.addAll(rule);
            ip(add.toArray(String[]::new));
            rules.add(rule);
        }
    }

    /** Removes every cut. */
    void heal() throws IOException, InterruptedException {
        for (List<String> rule : rules) {
            List<String> del = new ArrayList<>(List.of("rule", "del"));
            del.addAll(rule);
            ip(del.toArray(String[]::new));
        }
        rules.clear();
    }

    /** The command line that runs {@code command} inside host {@code name}'s namespace. */
    List<String> inside(String name, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(name)));
        cmd.addAll(command);
        return cmd;
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out
                    + " (the partition tests need root and iproute2 with network namespaces; CI runs as root)");
        }
    }

    @Override
    public void close() throws Exception {
        Exception failed = null;
        try {
            heal();
        } catch (Exception e) {
            failed = e;
        }
        for (String host : hosts.keySet()) {
            try {
                // Deleting the namespace deletes its end of the veth pair, and with it the outside end.
                ip("netns", "del", namespace(host));
                Path netnsEtc = Path.of("/etc/netns", namespace(host));
                Files.deleteIfExists(netnsEtc.resolve("resolv.conf"));
                Files.deleteIfExists(netnsEtc);
            } catch (Exception e) {
                failed = failed == null ? e : failed;
            }
        }
        if (forwardingBefore != null) {
            Files.writeString(IP_FORWARD, forwardingBefore);
        }
        if (failed != null) {
            throw failed;
        }
    }
}
