package io.ferrymq.server.config;

import io.ferrymq.amqp.AmqpProtocol;
import io.ferrymq.amqp.AmqpSettings;
import io.ferrymq.aws.AwsApiProtocol;
import io.ferrymq.aws.AwsApiSettings;
import io.ferrymq.core.Broker;
import io.ferrymq.mqtt.MqttProtocol;
import io.ferrymq.mqtt.MqttSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.stomp.codec.StompLimits;
import io.ferrymq.transport.ProtocolModule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the protocol modules that the listeners name, each from its own section of the configuration. A
 * protocol no listener serves is not started: its timers and declared exchanges would serve nobody.
 */
public final class ProtocolBuilder {

    /** Every protocol name a listener may list. */
    public static final Set<String> KNOWN = Set.of(StompProtocol.NAME, MqttProtocol.NAME, AmqpProtocol.NAME,
            AwsApiProtocol.NAME);

    private ProtocolBuilder() {
    }

    /**
     * @throws ConfigException for an unknown protocol name or a bad protocol setting; modules built before the
     *                         failure are closed again
     */
    public static List<ProtocolModule> build(Broker broker, FerryConfig config) {
        Set<String> used = new LinkedHashSet<>();
        if (config.listeners() != null) {
            for (FerryConfig.Listener l : config.listeners()) {
                if (l.protocols() != null) {
                    used.addAll(l.protocols());
                }
            }
        }
        List<ProtocolModule> modules = new ArrayList<>();
        try {
            for (String name : used) {
                modules.add(switch (name) {
                    case StompProtocol.NAME -> new StompProtocol(broker, stomp(config.stomp()));
                    case MqttProtocol.NAME -> new MqttProtocol(broker, mqtt(config.mqtt()));
                    case AmqpProtocol.NAME -> new AmqpProtocol(broker, amqp(config.amqp(), config.security()));
                    case AwsApiProtocol.NAME -> new AwsApiProtocol(broker, aws(config.aws(), config.security()));
                    default -> throw new ConfigException("listeners: unknown protocol '" + name + "'; known: "
                            + String.join(", ", KNOWN.stream().sorted().toList()));
                });
            }
            return modules;
        } catch (RuntimeException e) {
            close(modules);
            throw e;
        }
    }

    /** Stops the modules' own timers and background work (connections are the transport's to close). */
    public static void close(List<ProtocolModule> modules) {
        for (ProtocolModule m : modules) {
            if (m instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing protocol " + m.name() + " failed", e);
                }
            }
        }
    }

    static StompSettings stomp(FerryConfig.Stomp s) {
        StompLimits limits = new StompLimits(intBytes(s.maxFrameSize(), "stomp.max-frame-size"), s.maxHeaders(),
                intBytes(s.maxHeaderLine(), "stomp.max-header-line"));
        try {
            return new StompSettings(limits, DurationText.millis(s.minHeartBeat(), "stomp.min-heart-beat"),
                    DurationText.millis(s.connectTimeout(), "stomp.connect-timeout"), s.defaultPrefetch(),
                    s.maxPendingSends());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("stomp: " + e.getMessage());
        }
    }

    static MqttSettings mqtt(FerryConfig.Mqtt m) {
        long expiry = "never".equalsIgnoreCase(m.maxSessionExpiry().trim()) ? MqttSettings.EXPIRY_NEVER
                : seconds(m.maxSessionExpiry(), "mqtt.max-session-expiry");
        long keepAlive = seconds(m.maxKeepAlive(), "mqtt.max-keep-alive");
        long sys = seconds(m.sysInterval(), "mqtt.sys-interval");
        try {
            return new MqttSettings(m.topicExchange(), intBytes(m.maxPacketSize(), "mqtt.max-packet-size"),
                    (int) Math.min(Integer.MAX_VALUE, keepAlive), m.receiveMaximum(), m.maxInflight(),
                    m.topicAliasMaximum(), expiry, m.maxQueuedMessages(), (int) Math.min(Integer.MAX_VALUE, sys),
                    DurationText.millis(m.connectTimeout(), "mqtt.connect-timeout"));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("mqtt: " + e.getMessage());
        }
    }

    static AmqpSettings amqp(FerryConfig.Amqp a, FerryConfig.Security security) {
        if (Boolean.TRUE.equals(a.allowAnonymous()) && (security == null || security.anonymousUser() == null)) {
            throw new ConfigException("amqp.allow-anonymous needs security.anonymous-user: the user anonymous "
                    + "clients act as");
        }
        try {
            return new AmqpSettings(intBytes(a.maxFrameSize(), "amqp.max-frame-size"), a.channelMax(),
                    DurationText.millis(a.idleTimeout(), "amqp.idle-timeout"), Boolean.TRUE.equals(a.allowAnonymous()),
                    DurationText.millis(a.connectTimeout(), "amqp.connect-timeout"), a.producerCredit(),
                    ByteSize.parse(a.maxMessageSize(), "amqp.max-message-size"), a.sessionWindowFrames(),
                    a.consumerWindow());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException("amqp: " + e.getMessage());
        }
    }

    static AwsApiSettings aws(FerryConfig.Aws a, FerryConfig.Security security) {
        Set<String> users = new HashSet<>();
        if (security != null && security.users() != null) {
            security.users().forEach(u -> users.add(u.name()));
        }
        Map<String, AwsApiSettings.AccessKey> keys = new LinkedHashMap<>();
        if (a.accessKeys() != null) {
            for (FerryConfig.AccessKey k : a.accessKeys()) {
                if (k.id() == null || k.secret() == null || k.user() == null) {
                    throw new ConfigException("aws.access-keys: every key needs an id, a secret and a user");
                }
                if (!users.contains(k.user())) {
                    throw new ConfigException("aws.access-keys: key " + k.id() + " acts as user '" + k.user()
                            + "', who is not in security.users");
                }
                if (keys.put(k.id(), new AwsApiSettings.AccessKey(k.secret(), k.user(), k.account())) != null) {
                    throw new ConfigException("aws.access-keys: key " + k.id() + " is listed twice");
                }
            }
        }
        if (Boolean.TRUE.equals(a.strictSignatures()) && keys.isEmpty()) {
            throw new ConfigException("aws.strict-signatures needs at least one entry in aws.access-keys");
        }
        try {
            return new AwsApiSettings(ByteSize.parse(a.maxMessageSize(), "aws.max-message-size"), a.queueUrlBase(),
                    a.region(), a.defaultAccount(), a.accountVhosts(), Boolean.TRUE.equals(a.strictSignatures()), keys,
                    a.defaultUser(), Boolean.TRUE.equals(a.allowRemoteUnsigned()),
                    Duration.ofMillis(DurationText.millis(a.maxClockSkew(), "aws.max-clock-skew")), a.publicBaseUrl(),
                    Duration.ofMillis(DurationText.millis(a.httpDeliveryTimeout(), "aws.http-delivery-timeout")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("aws: " + e.getMessage());
        }
    }

    private static long seconds(String text, String setting) {
        long millis = DurationText.millis(text, setting);
        if (millis % 1000 != 0) {
            throw new ConfigException(setting + ": '" + text + "' must be whole seconds (MQTT counts in seconds)");
        }
        return millis / 1000;
    }

    private static int intBytes(String text, String setting) {
        return (int) Math.min(Integer.MAX_VALUE, ByteSize.parse(text, setting));
    }
}
