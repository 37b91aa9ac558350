package io.ferrymq.openwire;

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
import org.apache.activemq.ActiveMQConnectionFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A real broker for OpenWire tests: worker threads, Netty, OpenWire on a free TCP port, and three users:
 * {@code guest/guest} (loopback only, everything), {@code admin/secret} (everything) and {@code limited/secret}
 * (may only send to, consume from and create names under {@code allowed.}).
 */
final class EmbeddedOpenwireBroker implements AutoCloseable {

    final Broker broker;
    final NettyServer server;
    final int port;

    private EmbeddedOpenwireBroker(List<AddressPolicy> policies, UnaryOperator<OpenwireSettings> settings) {
        List<UserAccount> users = List.of(
                new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("admins"), true),
                new UserAccount("admin", PasswordHash.create("secret", 1000), Set.of("admins"), false),
                new UserAccount("limited", PasswordHash.create("secret", 1000), Set.of("limited"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"), Set.of()),
                new PermissionRule("*", NamePattern.of("allowed.#"), EnumSet.of(Permission.SEND, Permission.CONSUME,
                        Permission.CREATE), Set.of("limited"), Set.of()));
        broker = Broker.start(new BrokerOptions(BrokerRuntime.threaded(2), null,
                new ConfiguredRealm(users, rules, null), new PolicyTable(policies), 0, 30_000, List.of("/")));
        server = new NettyServer(2, List.of(new OpenwireProtocol(broker, settings.apply(OpenwireSettings.defaults()))));
        port = server.bind(ListenerConfig.tcp("openwire", "127.0.0.1", 0, OpenwireProtocol.NAME)).getPort();
    }

    static EmbeddedOpenwireBroker start() {
        return new EmbeddedOpenwireBroker(List.of(), s -> s);
    }

    static EmbeddedOpenwireBroker start(List<AddressPolicy> policies, UnaryOperator<OpenwireSettings> settings) {
        return new EmbeddedOpenwireBroker(new ArrayList<>(policies), settings);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The ActiveMQ client's factory, logging in as admin. */
    ActiveMQConnectionFactory factory() {
        return factory("");
    }

    /** With URL options ({@code ?wireFormat.tightEncodingEnabled=false}...). */
    ActiveMQConnectionFactory factory(String options) {
        ActiveMQConnectionFactory f = new ActiveMQConnectionFactory("admin", "secret", url() + options);
        // No copy on send: what the test sends is what the broker gets.
        f.setCopyMessageOnSend(false);
        return f;
    }

    @Override
    public void close() {
        server.close();
        broker.close();
    }
}
