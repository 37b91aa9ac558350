package io.ferrymq.amqp091;

import io.ferrymq.core.api.Broker;
import io.ferrymq.core.api.BrokerOptions;
import io.ferrymq.core.exec.BrokerRuntime;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.PolicyTable;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.transport.ListenerConfig;
import io.ferrymq.transport.NettyServer;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A real broker for protocol tests: worker threads, Netty, AMQP 0-9-1 on a free TCP port and on a free
 * WebSocket port, and three users: {@code guest/guest} (loopback only, everything), {@code admin/secret}
 * (everything) and {@code limited/secret} (may only send to and consume from names under {@code allowed.}).
 */
final class EmbeddedAmqp091Broker implements AutoCloseable {

    final Broker broker;
    final NettyServer server;
    final int port;
    final int wsPort;

    private EmbeddedAmqp091Broker(List<AddressPolicy> policies, UnaryOperator<Amqp091Settings> settings, long memoryLimit) {
        List<UserAccount> users = List.of(
                new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("admins"), true),
                new UserAccount("admin", PasswordHash.create("secret", 1000), Set.of("admins"), false),
                new UserAccount("limited", PasswordHash.create("secret", 1000), Set.of("limited"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"), Set.of()),
                new PermissionRule("*", NamePattern.of("allowed.#"), EnumSet.of(Permission.SEND, Permission.CONSUME,
                        Permission.CREATE), Set.of("limited"), Set.of()));
        broker = Broker.start(new BrokerOptions(BrokerRuntime.threaded(2), null,
                new ConfiguredRealm(users, rules, null), new PolicyTable(policies), memoryLimit, 30_000, List.of("/", "other")));
        server = new NettyServer(2, List.of(new Amqp091Protocol(broker, settings.apply(Amqp091Settings.defaults()))));
        port = server.bind(ListenerConfig.tcp("amqp091", "127.0.0.1", 0, Amqp091Protocol.NAME)).getPort();
        wsPort = server.bind(ListenerConfig.websocket("ws", "127.0.0.1", 0, Amqp091Protocol.NAME)).getPort();
    }

    static EmbeddedAmqp091Broker start() {
        return new EmbeddedAmqp091Broker(List.of(), s -> s, 0);
    }

    /** A RabbitMQ client connection factory for this broker, as {@code guest}, without automatic recovery. */
    com.rabbitmq.client.ConnectionFactory factory() {
        com.rabbitmq.client.ConnectionFactory f = new com.rabbitmq.client.ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setUsername("guest");
        f.setPassword("guest");
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setRequestedHeartbeat(0);
        return f;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public void close() {
        server.close();
        broker.close();
    }

    static final class Builder {
        private final List<AddressPolicy> policies = new ArrayList<>();
        private UnaryOperator<Amqp091Settings> settings = s -> s;
        private long memoryLimit;

        Builder policy(AddressPolicy p) {
            policies.add(p);
            return this;
        }

        Builder settings(UnaryOperator<Amqp091Settings> s) {
            this.settings = s;
            return this;
        }

        Builder memoryLimit(long bytes) {
            this.memoryLimit = bytes;
            return this;
        }

        EmbeddedAmqp091Broker start() {
            return new EmbeddedAmqp091Broker(policies, settings, memoryLimit);
        }
    }
}
