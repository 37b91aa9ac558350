package io.ferrymq.tests.management;

import io.ferrymq.amqp.AmqpProtocol;
import io.ferrymq.amqp.AmqpSettings;
import io.ferrymq.amqp091.Amqp091Protocol;
import io.ferrymq.amqp091.Amqp091Settings;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.management.ManagementProtocol;
import io.ferrymq.management.ManagementSettings;
import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.openwire.OpenwireProtocol;
import io.ferrymq.openwire.OpenwireSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.transport.testing.EmbeddedBroker;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A broker for the management tests that need every protocol: the management listener ("management") and STOMP,
 * MQTT, AMQP 1.0 and 0-9-1 and OpenWire on one port ("mixed"). Users: {@code admin} (administrator) and
 * {@code app} (a client with every permission), both with password {@code secret}, and {@code guest}/{@code guest} (a client, loopback only).
 */
final class ManagementTestBroker {

    static final String PASSWORD = "secret";

    private ManagementTestBroker() {
    }

    static EmbeddedBroker start() {
        return EmbeddedBroker.builder()
                .protocol(b -> new ManagementProtocol(b, ManagementSettings.defaults()))
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new MqttProtocol(b, MqttSettings.defaults()))
                .protocol(b -> new AmqpProtocol(b, AmqpSettings.defaults()))
                .protocol(b -> new Amqp091Protocol(b, Amqp091Settings.defaults()))
                .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
                .tcp("management", ManagementProtocol.NAME)
                .tcp("mixed", StompProtocol.NAME, MqttProtocol.NAME, AmqpProtocol.NAME, Amqp091Protocol.NAME,
                        OpenwireProtocol.NAME)
                .realm(realm())
                .start();
    }

    private static ConfiguredRealm realm() {
        List<UserAccount> users = List.of(
                new UserAccount("admin", PasswordHash.create(PASSWORD, 1000), Set.of("administrator"), false),
                new UserAccount("app", PasswordHash.create(PASSWORD, 1000), Set.of("apps"), false),
                new UserAccount("guest", PasswordHash.create("guest", 1000), Set.of("apps"), true));
        List<PermissionRule> rules = List.of(new PermissionRule("*", NamePattern.of("#"),
                EnumSet.allOf(Permission.class), Set.of("administrator", "apps"), Set.of()));
        return new ConfiguredRealm(users, rules, null);
    }
}
