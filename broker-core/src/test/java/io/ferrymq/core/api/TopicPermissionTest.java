package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.routing.ExchangeType;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.ExchangeDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the shared topic exchange {@code amq.topic} permissions apply to the topic (routing key or
 * subscription pattern); on other exchanges to the exchange's name. A subscription pattern is allowed only
 * when every topic it can match is allowed.
 */
class TopicPermissionTest {

    private TestBroker tb;
    private Session sensor;

    @BeforeEach
    void setUp() {
        UserAccount admin = new UserAccount(TestBroker.ADMIN, PasswordHash.create(TestBroker.PASSWORD, 1000),
                Set.of("admins"), false);
        UserAccount device = new UserAccount("device", PasswordHash.create("pw", 1000), Set.of(), false);
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"),
                        Set.of()),
                new PermissionRule("/", NamePattern.of("sensors.#"), EnumSet.of(Permission.SEND), Set.of(),
                        Set.of("device")),
                new PermissionRule("/", NamePattern.of("readings.*"), EnumSet.of(Permission.CONSUME), Set.of(),
                        Set.of("device")),
                new PermissionRule("/", NamePattern.of("events"), EnumSet.of(Permission.SEND), Set.of(),
                        Set.of("device")));
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(admin, device), rules, null)).build();
        Session adminSession = tb.session(new RecordingSink());
        adminSession.admin().declareExchange(ExchangeDeclaration.durable("events", ExchangeType.TOPIC)).join();
        adminSession.admin().declareExchange(ExchangeDeclaration.durable("alarms", ExchangeType.TOPIC)).join();
        sensor = tb.session("device", "pw", new RecordingSink());
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void publishingToAmqTopicIsCheckedAgainstTheRoutingKey() {
        sensor.send(Route.exchange("amq.topic", "sensors.kitchen.temp"), TestBroker.text("21"), null).join();
        sensor.send(Route.exchange("amq.topic", "sensors"), TestBroker.text("22"), null).join();

        failsWith(sensor.send(Route.exchange("amq.topic", "alarms.fire"), TestBroker.text("!"), null),
                ErrorCode.UNAUTHORIZED);
    }

    @Test
    void publishingToAnotherExchangeIsCheckedAgainstItsName() {
        sensor.send(Route.exchange("events", "any.key.at.all"), TestBroker.text("e"), null).join();

        failsWith(sensor.send(Route.exchange("alarms", "sensors.kitchen"), TestBroker.text("e"), null),
                ErrorCode.UNAUTHORIZED);
    }

    @Test
    void subscribingToATopicIsCheckedAgainstThePattern() {
        sensor.consume(Source.topic(TopicSubscription.temporary("amq.topic", "readings.kitchen")),
                ConsumeOptions.credit(1)).join();
        sensor.consume(Source.topic(TopicSubscription.temporary("amq.topic", "readings.*")),
                ConsumeOptions.credit(1)).join();

        failsWith(sensor.consume(Source.topic(TopicSubscription.temporary("amq.topic", "sensors.kitchen")),
                ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void aSubscriptionPatternWiderThanThePermissionIsRefused() {
        failsWith(sensor.consume(Source.topic(TopicSubscription.temporary("amq.topic", "readings.#")),
                ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);
        failsWith(sensor.consume(Source.topic(TopicSubscription.temporary("amq.topic", "#")),
                ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);
        assertThat(tb.vhost().queues()).isEmpty();
    }

    @Test
    void aSharedSubscriptionNeedsOnlyTheConsumePermissionOnItsPattern() {
        sensor.consume(Source.topic(TopicSubscription.shared("amq.topic", "readings.kitchen", "kitchen:volatile", null)),
                ConsumeOptions.credit(1)).join();

        failsWith(sensor.consume(Source.topic(TopicSubscription.shared("amq.topic", "sensors.kitchen", "s:volatile",
                null)), ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);
        assertThat(tb.queue("s:volatile")).isNull();
    }
}
