package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.Queue;
import io.ferrymq.core.queue.QueueStats;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.routing.Binding;
import io.ferrymq.core.routing.BindingTarget;
import io.ferrymq.core.routing.Exchange;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.BrokerPrincipal;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.SecurityRealm;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.stream.ShardInfo;
import io.ferrymq.core.stream.StreamInfo;
import io.ferrymq.core.vhost.VirtualHost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The broker as its operator sees it, for the management API: what is connected, what the virtual hosts
 * hold, and the users. Every answer is a snapshot of plain values (no core object leaks out), read without
 * stopping anything, so counters are approximate under load. It checks no permission: the management API
 * decides who may see and change what by the caller's roles, then acts through a session of the caller's
 * own where the broker's permissions apply (purge, delete, publish).
 */
public final class Operator {

    private final Broker broker;
    private final Supplier<List<Session>> sessions;
    private final long startedAt;

    Operator(Broker broker, Supplier<List<Session>> sessions, long startedAt) {
        this.broker = broker;
        this.sessions = sessions;
        this.startedAt = startedAt;
    }

    /** A client connection's session. {@code peer} is the client's address, null in-process. */
    public record ConnectionView(long id, String protocol, String user, String clientId, java.net.SocketAddress peer,
                                 String listener, String vhost, int consumers) { }

    /** A channel ({@link ChannelInfo}) of a client connection, with the connection's identity. */
    public record ChannelView(long connectionId, String protocol, String user, String vhost,
                              java.net.SocketAddress peer, ChannelInfo channel) { }

    /** A consumer on a queue, and the connection it belongs to. */
    public record ConsumerView(long connectionId, String vhost, String queue, long consumerId, long delivered) { }

    /** A queue with its counters. */
    public record QueueView(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                            Map<String, Object> arguments, QueueStats stats) { }

    public record ExchangeView(String vhost, String name, ExchangeType type, boolean durable, boolean autoDelete,
                               boolean internal, Map<String, Object> arguments) { }

    /** A binding: {@code destinationType} is {@code queue} or {@code exchange}. */
    public record BindingView(String vhost, String source, String destination, String destinationType,
                              String routingKey, Map<String, Object> arguments) { }

    public record UserView(String name, Set<String> roles, boolean loopbackOnly) { }

    /**
     * What a permission rule allows, per RabbitMQ's three kinds: {@code configure} (create, delete, manage),
     * {@code write} (send) and {@code read} (consume), each a name pattern or empty for nothing. {@code user} or
     * {@code role} says whom it applies to.
     */
    public record PermissionView(String user, String role, String vhost, String configure, String write,
                                 String read) { }

    public record MemoryView(long used, long limit) { }

    /**
     * A configured policy: its name pattern and what it sets, keyed as in {@code broker.yaml}'s {@code policies[]}
     * (durations in milliseconds, sizes in bytes); settings it leaves to less specific policies are absent.
     */
    public record PolicyView(String pattern, Map<String, Object> definition) { }

    /**
     * A stream (a Kinesis data stream, or the log behind an AMQP 0-9-1 stream queue) and what its shards retain.
     *
     * @param retentionBytes 0 when only time limits it
     */
    public record StreamView(String vhost, String name, String status, String mode, long retentionMillis,
                             long retentionBytes, long createdMillis, List<ShardView> shards) {
        public StreamView {
            shards = List.copyOf(shards);
        }

        /** The records its shards retain. */
        public long records() {
            long n = 0;
            for (ShardView s : shards) {
                n += s.records();
            }
            return n;
        }
    }

    /**
     * @param first the first offset it retains
     * @param end   the offset after its last record (the next one's, while it is open)
     */
    public record ShardView(int index, boolean open, long first, long end) {
        public long records() {
            return Math.max(0, end - first);
        }
    }

    /**
     * Reports each group commit of the broker's storage (fsync time, appends covered) to {@code listener}, on the
     * storage's writer thread: it must only record. Storage that keeps nothing on disk reports nothing.
     */
    public void onStorageCommit(io.ferrymq.core.storage.SyncTimings listener) {
        broker.options().storage().syncTimings(listener);
    }

    /** Messages received, delivered, acknowledged and rejected per client protocol, since the broker started. */
    public List<MessageCounters.Counts> messageCounts() {
        return broker.messageCounters().snapshot();
    }

    /** This broker's place in an HA pair ({@link ClusterView#SINGLE} outside one). */
    public ClusterView cluster() {
        return broker.clusterStatus().current();
    }

    /** When the broker started, in milliseconds since the epoch. */
    public long startedAt() {
        return startedAt;
    }

    public MemoryView memory() {
        return new MemoryView(broker.memory().used(), broker.memory().limit());
    }

    /** The policies as configured, most general first; they apply in every virtual host. */
    public List<PolicyView> policies() {
        List<PolicyView> out = new ArrayList<>();
        for (io.ferrymq.core.policy.AddressPolicy p : broker.options().policies().policies()) {
            Map<String, Object> d = new LinkedHashMap<>();
            if (p.deadLetter() != null) {
                putTarget(d, "dead-letter", p.deadLetter());
            }
            if (p.expiry() != null) {
                putTarget(d, "expiry", p.expiry());
            }
            putIfSet(d, "max-deliveries", p.maxDeliveries());
            putIfSet(d, "message-ttl", p.messageTtlMillis());
            putIfSet(d, "max-length", p.maxLength());
            putIfSet(d, "max-bytes", p.maxBytes());
            putIfSet(d, "overflow", p.overflow() == null ? null
                    : p.overflow().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            putIfSet(d, "redelivery-delay", p.redeliveryDelayMillis());
            putIfSet(d, "auto-create-queues", p.autoCreateQueues());
            putIfSet(d, "single-active-consumer", p.singleActiveConsumer());
            putIfSet(d, "max-memory", p.maxMemoryBytes());
            putIfSet(d, "memory-full", p.memoryFull() == null ? null
                    : p.memoryFull().name().toLowerCase(java.util.Locale.ROOT));
            out.add(new PolicyView(p.match().text(), d));
        }
        return out;
    }

    private static void putTarget(Map<String, Object> d, String kind, io.ferrymq.core.policy.DeadLetterTarget t) {
        if (t.isQueue()) {
            d.put(kind + "-queue", t.routingKey());
        } else {
            d.put(kind + "-exchange", t.exchange());
            putIfSet(d, kind + "-routing-key", t.routingKey());
        }
    }

    private static void putIfSet(Map<String, Object> d, String key, Object value) {
        if (value != null) {
            d.put(key, value);
        }
    }

    public List<String> vhosts() {
        return broker.vhostNames().stream().sorted().toList();
    }

    /** The clients' sessions (not the broker's own), oldest connection first. */
    public List<ConnectionView> connections() {
        List<ConnectionView> out = new ArrayList<>();
        for (Session s : sessions.get()) {
            if (s.isClosed()) {
                continue;
            }
            ClientInfo c = s.client();
            out.add(new ConnectionView(c.connectionId(), c.protocol(), s.principal().name(), c.clientId(),
                    c.remote(), c.listener(), s.vhostName(),
                    s.subscriptions().size()));
        }
        out.sort(Comparator.comparingLong(ConnectionView::id));
        return out;
    }

    /**
     * Every client connection's channels. A connection whose adapter reports channels ({@link ChannelReporter}) is
     * asked on its own event loop, so the answer completes once each has answered; any other connection has one
     * implicit channel, number 1, holding its consumers. A connection that closes meanwhile is left out.
     */
    public java.util.concurrent.CompletableFuture<List<ChannelView>> channels() {
        List<java.util.concurrent.CompletableFuture<List<ChannelView>>> parts = new ArrayList<>();
        for (Session s : sessions.get()) {
            if (s.isClosed()) {
                continue;
            }
            ClientInfo c = s.client();
            java.util.function.Function<ChannelInfo, ChannelView> view = ch -> new ChannelView(c.connectionId(),
                    c.protocol(), s.principal().name(), s.vhostName(), c.remote(), ch);
            if (s.sink() instanceof ChannelReporter reporter) {
                java.util.concurrent.CompletableFuture<List<ChannelView>> part;
                try {
                    part = java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> reporter.channels().stream().map(view).toList(), s.sink().executor());
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    continue;
                }
                parts.add(part.exceptionally(t -> List.of()));
            } else {
                parts.add(java.util.concurrent.CompletableFuture.completedFuture(List.of(view.apply(
                        new ChannelInfo(1, s.subscriptions().size(), 0, 0, 0, false, false)))));
            }
        }
        return java.util.concurrent.CompletableFuture.allOf(parts.toArray(java.util.concurrent.CompletableFuture[]::new))
                .thenApply(v -> {
                    List<ChannelView> out = new ArrayList<>();
                    parts.forEach(p -> out.addAll(p.join()));
                    out.sort(Comparator.comparingLong(ChannelView::connectionId)
                            .thenComparingInt(x -> x.channel().number()));
                    return out;
                });
    }

    public List<ConsumerView> consumers() {
        List<ConsumerView> out = new ArrayList<>();
        for (Session s : sessions.get()) {
            for (Subscription sub : s.subscriptions()) {
                out.add(new ConsumerView(s.connectionId(), s.vhostName(), sub.queueName(), sub.id(), sub.delivered()));
            }
        }
        out.sort(Comparator.comparingLong(ConsumerView::connectionId).thenComparingLong(ConsumerView::consumerId));
        return out;
    }

    /** Ends the sessions of a connection (unsettled deliveries go back); the adapter still owns the socket. */
    public int closeSessions(long connectionId) {
        int closed = 0;
        for (Session s : sessions.get()) {
            if (s.connectionId() == connectionId && !s.isClosed()) {
                s.closeAsync();
                closed++;
            }
        }
        return closed;
    }

    /** Every stream of every vhost, by vhost and name. */
    public List<StreamView> streams() {
        List<StreamView> out = new ArrayList<>();
        for (VirtualHost v : broker.vhosts()) {
            for (StreamInfo s : broker.streams().all(v.name())) {
                StreamView view = streamView(s);
                if (view != null) {
                    out.add(view);
                }
            }
        }
        out.sort(Comparator.comparing(StreamView::vhost).thenComparing(StreamView::name));
        return out;
    }

    /** @throws BrokerException NOT_FOUND when there is no such vhost or stream */
    public StreamView stream(String vhost, String name) {
        vhost(vhost);
        StreamView view = broker.streams().all(vhost).stream().filter(s -> s.name().equals(name)).findFirst()
                .map(this::streamView).orElse(null);
        if (view == null) {
            throw BrokerException.notFound("no stream '" + name + "' in virtual host '" + vhost + "'");
        }
        return view;
    }

    /** Null when the stream went while it was being looked at. */
    private StreamView streamView(StreamInfo s) {
        List<ShardView> shards = new ArrayList<>();
        try {
            for (ShardInfo shard : s.shards()) {
                long[] retained = broker.streams().retained(s.vhost(), s.name(), shard.index());
                shards.add(new ShardView(shard.index(), shard.open(), retained[0], retained[1]));
            }
        } catch (BrokerException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
        return new StreamView(s.vhost(), s.name(), s.status().name(), s.mode().name(), s.retentionMillis(),
                s.retentionBytes(), s.createdMillis(), shards);
    }

    public List<QueueView> queues() {
        List<QueueView> out = new ArrayList<>();
        for (VirtualHost v : broker.vhosts()) {
            for (Queue q : v.queues()) {
                out.add(view(v, q));
            }
        }
        out.sort(Comparator.comparing(QueueView::vhost).thenComparing(QueueView::name));
        return out;
    }

    /** @throws BrokerException NOT_FOUND when there is no such vhost or queue */
    public QueueView queue(String vhost, String name) {
        VirtualHost v = vhost(vhost);
        Queue q = v.queue(name);
        if (q == null) {
            throw BrokerException.notFound("no queue '" + name + "' in virtual host '" + vhost + "'");
        }
        return view(v, q);
    }

    private static QueueView view(VirtualHost v, Queue q) {
        return new QueueView(v.name(), q.name(), q.durable(), q.exclusive(), q.autoDelete(), q.arguments(), q.stats());
    }

    public List<ExchangeView> exchanges() {
        List<ExchangeView> out = new ArrayList<>();
        for (VirtualHost v : broker.vhosts()) {
            for (Exchange e : v.exchanges()) {
                out.add(new ExchangeView(v.name(), e.name(), e.type(), e.durable(), e.autoDelete(), e.internal(),
                        e.arguments()));
            }
        }
        out.sort(Comparator.comparing(ExchangeView::vhost).thenComparing(ExchangeView::name));
        return out;
    }

    public List<BindingView> bindings() {
        List<BindingView> out = new ArrayList<>();
        for (VirtualHost v : broker.vhosts()) {
            for (Exchange e : v.exchanges()) {
                for (Binding b : e.bindings()) {
                    BindingTarget t = b.target();
                    out.add(new BindingView(v.name(), b.exchange(), t.name(),
                            t.kind() == BindingTarget.Kind.QUEUE ? "queue" : "exchange", b.key(), b.arguments()));
                }
            }
        }
        return out;
    }

    private VirtualHost vhost(String name) {
        VirtualHost v = broker.vhost(name);
        if (v == null) {
            throw BrokerException.notFound("no virtual host '" + name + "'");
        }
        return v;
    }

    // ------------------------------------------------------------------ users and permissions

    /**
     * Checks a user's password, blocking while it does (hashing is deliberately slow): call it off the event loop.
     *
     * @throws BrokerException AUTHENTICATION_FAILED
     */
    public BrokerPrincipal authenticate(String username, String password, ClientInfo client) {
        return broker.options().realm().authenticate(username, password, client);
    }

    /** Whether the user has any permission in the virtual host (RabbitMQ: may log in to it). */
    public boolean mayAccess(BrokerPrincipal who, String vhost) {
        return broker.options().realm().mayAccess(who, vhost);
    }

    public List<UserView> users() {
        return realm().users().stream().map(u -> new UserView(u.name(), u.roles(), u.loopbackOnly())).toList();
    }

    /**
     * Creates a user or changes one: a null password keeps the current one (a change of roles only). Hashes the
     * password, so call it off the event loop.
     *
     * @throws BrokerException INVALID_ARGUMENT for a new user without a password
     */
    public void putUser(String name, String password, Set<String> roles) {
        ConfiguredRealm realm = realm();
        UserAccount existing = realm.users().stream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
        if (existing == null && (password == null || password.isEmpty())) {
            throw BrokerException.invalid("a new user needs a password");
        }
        PasswordHash hash = password == null ? existing.password() : PasswordHash.create(password, realm.passwordIterations());
        realm.putUser(new UserAccount(name, hash, roles, existing != null && existing.loopbackOnly()));
    }

    /**
     * Creates or changes a user from its stored password hash ({@code pbkdf2-sha256:...}), as definitions export
     * it. A user that may only log in from loopback keeps that rule.
     */
    public void putUserWithHash(String name, String passwordHash, Set<String> roles) {
        PasswordHash hash;
        try {
            hash = PasswordHash.parse(passwordHash);
        } catch (IllegalArgumentException e) {
            throw BrokerException.invalid("user '" + name + "': " + e.getMessage());
        }
        ConfiguredRealm realm = realm();
        boolean loopbackOnly = realm.users().stream().anyMatch(u -> u.name().equals(name) && u.loopbackOnly());
        realm.putUser(new UserAccount(name, hash, roles, loopbackOnly));
    }

    /** The stored hash of a user's password, for a definitions export; null when there is no such user. */
    public String passwordHash(String name) {
        return realm().users().stream().filter(u -> u.name().equals(name)).map(u -> u.password().encoded())
                .findFirst().orElse(null);
    }

    /** @return whether there was such a user */
    public boolean deleteUser(String name) {
        try {
            return realm().removeUser(name);
        } catch (IllegalArgumentException e) {
            throw BrokerException.preconditionFailed(e.getMessage());
        }
    }

    /** Every rule: one view per user or role it names. */
    public List<PermissionView> permissions() {
        List<PermissionView> out = new ArrayList<>();
        for (PermissionRule r : realm().rules()) {
            String all = r.match().text();
            String configure = r.actions().contains(Permission.CREATE) || r.actions().contains(Permission.DELETE)
                    || r.actions().contains(Permission.MANAGE) ? all : "";
            String write = r.actions().contains(Permission.SEND) ? all : "";
            String read = r.actions().contains(Permission.CONSUME) ? all : "";
            for (String u : r.users()) {
                out.add(new PermissionView(u, null, r.vhost(), configure, write, read));
            }
            for (String role : r.roles()) {
                out.add(new PermissionView(null, role, r.vhost(), configure, write, read));
            }
        }
        return out;
    }

    /**
     * Sets a user's own permissions in a virtual host, replacing the ones set before for that user and vhost
     * (rules for roles stay). Each pattern is a FerryMQ name pattern ({@code #} for all, {@code orders.#}), or
     * empty for none; RabbitMQ's {@code .*} means all.
     */
    public void setPermission(String user, String vhost, String configure, String write, String read) {
        if (!broker.hasVirtualHost(vhost)) {
            throw BrokerException.notFound("no virtual host '" + vhost + "'");
        }
        Map<String, EnumSet<Permission>> byPattern = new LinkedHashMap<>();
        add(byPattern, configure, EnumSet.of(Permission.CREATE, Permission.DELETE, Permission.MANAGE));
        add(byPattern, write, EnumSet.of(Permission.SEND));
        add(byPattern, read, EnumSet.of(Permission.CONSUME));
        List<PermissionRule> rules = new ArrayList<>();
        byPattern.forEach((pattern, actions) -> rules.add(new PermissionRule(vhost, NamePattern.of(pattern), actions,
                Set.of(), Set.of(user))));
        realm().replaceUserRules(user, vhost, rules);
    }

    /** Removes a user's own permissions in a virtual host. */
    public void clearPermission(String user, String vhost) {
        realm().replaceUserRules(user, vhost, List.of());
    }

    private static void add(Map<String, EnumSet<Permission>> byPattern, String pattern, EnumSet<Permission> actions) {
        if (pattern == null || pattern.isEmpty() || pattern.equals("^$")) {
            return;
        }
        String p = pattern.equals(".*") ? "#" : pattern;
        try {
            NamePattern.of(p);
        } catch (IllegalArgumentException e) {
            throw BrokerException.invalid("'" + pattern + "' is not a name pattern: " + e.getMessage());
        }
        byPattern.computeIfAbsent(p, k -> EnumSet.noneOf(Permission.class)).addAll(actions);
    }

    private ConfiguredRealm realm() {
        SecurityRealm r = broker.options().realm();
        if (r instanceof ConfiguredRealm c) {
            return c;
        }
        throw new BrokerException(ErrorCode.ILLEGAL_STATE, "this broker's users come from "
                + r.getClass().getSimpleName() + ", which cannot be changed at run time");
    }
}
