package io.ferrymq.management;

import io.ferrymq.amqp091.Amqp091Protocol;
import io.ferrymq.amqp091.Amqp091Settings;
import io.ferrymq.core.policy.AddressPolicy;
import io.ferrymq.core.policy.DeadLetterTarget;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.transport.testing.EmbeddedBroker;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A broker for the management tests: the management listener, AMQP 0-9-1 for real clients, and one user per
 * management role: {@code admin} (administrator), {@code monitor} (monitoring), {@code manager} (management),
 * {@code app} (no role: a client only). Every password is {@code secret}. Queues dead-letter to {@code DLQ}.
 */
public final class ManagementBroker {

    public static final String PASSWORD = "secret";

    private ManagementBroker() {
    }

    static EmbeddedBrokerExtension.Builder builder() {
        return EmbeddedBrokerExtension.builder()
                .protocol(b -> new ManagementProtocol(b, ManagementSettings.defaults()))
                .protocol(b -> new Amqp091Protocol(b, Amqp091Settings.defaults()))
                .tcp("management", ManagementProtocol.NAME)
                .tcp("amqp", Amqp091Protocol.NAME)
                .realm(realm())
                .policy(AddressPolicy.matching("#").withDeadLetter(DeadLetterTarget.queue("DLQ")));
    }

    /** The same broker, started by hand on a data directory (each start with the users as configured). */
    static EmbeddedBroker startIn(java.nio.file.Path dataDir) {
        return EmbeddedBroker.builder()
                .protocol(b -> new ManagementProtocol(b, ManagementSettings.defaults()))
                .protocol(b -> new Amqp091Protocol(b, Amqp091Settings.defaults()))
                .tcp("management", ManagementProtocol.NAME)
                .tcp("amqp", Amqp091Protocol.NAME)
                .realm(realm())
                .durable(dataDir)
                .start();
    }

    /**
     * The same broker with STOMP, MQTT, AMQP 1.0 and OpenWire too, on one more port ("mixed"), for what every
     * protocol must show.
     */
    static EmbeddedBrokerExtension.Builder allProtocols() {
        return builder()
                .protocol(b -> new io.ferrymq.stomp.StompProtocol(b, io.ferrymq.stomp.StompSettings.defaults()))
                .protocol(b -> new io.ferrymq.mqtt.MqttProtocol(b, io.ferrymq.mqtt.MqttSettings.defaults()))
                .protocol(b -> new io.ferrymq.amqp.AmqpProtocol(b, io.ferrymq.amqp.AmqpSettings.defaults()))
                .protocol(b -> new io.ferrymq.openwire.OpenwireProtocol(b,
                        io.ferrymq.openwire.OpenwireSettings.defaults()))
                .tcp("mixed", io.ferrymq.stomp.StompProtocol.NAME, io.ferrymq.mqtt.MqttProtocol.NAME,
                        io.ferrymq.amqp.AmqpProtocol.NAME, io.ferrymq.openwire.OpenwireProtocol.NAME);
    }

    public static EmbeddedBrokerExtension start() {
        return builder().build();
    }

    static ConfiguredRealm realm() {
        List<UserAccount> users = List.of(
                new UserAccount("admin", PasswordHash.create(PASSWORD, 1000), Set.of("administrator"), false),
                new UserAccount("monitor", PasswordHash.create(PASSWORD, 1000), Set.of("monitoring"), false),
                new UserAccount("manager", PasswordHash.create(PASSWORD, 1000), Set.of("management"), false),
                new UserAccount("app", PasswordHash.create(PASSWORD, 1000), Set.of("apps"), false));
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class),
                        Set.of("administrator", "apps"), Set.of()),
                new PermissionRule("*", NamePattern.of("team.#"), EnumSet.allOf(Permission.class),
                        Set.of("management"), Set.of()));
        return new ConfiguredRealm(users, rules, null);
    }
}
