package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import io.ferrymq.core.vhost.VirtualHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queues an adapter keeps for its client under names of its own (MQTT's session queue): the permission checked
 * is the binding's, never create on the queue's name, which is in no rule of the client's.
 */
class AdapterManagedQueueTest {

    private static final String QUEUE = "mqtt-subscription-sensor-1";

    private TestBroker tb;
    private Session alice;

    @BeforeEach
    void setUp() {
        UserAccount aliceUser = new UserAccount("alice", PasswordHash.create("pw", 1000), Set.of("apps"), false);
        List<PermissionRule> rules = List.of(new PermissionRule("/", NamePattern.of("sensors.#"),
                EnumSet.of(Permission.SEND, Permission.CONSUME), Set.of("apps"), Set.of()));
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(aliceUser), rules, null)).build();
        alice = tb.session("alice", "pw", new RecordingSink());
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void bindingAManagedQueueDeclaresItAndNeedsOnlyConsumeOnTheTopic() {
        assertThat(alice.admin().queueExists(QUEUE)).isFalse();
        failsWith(alice.admin().declareQueue(QueueDeclaration.durable(QUEUE)), ErrorCode.UNAUTHORIZED);

        alice.admin().bindManagedQueue(QueueDeclaration.durable(QUEUE), VirtualHost.AMQ_TOPIC, "sensors.#").join();

        assertThat(alice.admin().queueExists(QUEUE)).isTrue();
        alice.send(Route.exchange(VirtualHost.AMQ_TOPIC, "sensors.t1"), TestBroker.text("21.5"), null).join();
        assertThat(tb.stats(QUEUE).ready()).isEqualTo(1);
    }

    @Test
    void aManagedQueueIsNotBoundToATopicTheClientMayNotConsume() {
        failsWith(alice.admin().bindManagedQueue(QueueDeclaration.durable(QUEUE), VirtualHost.AMQ_TOPIC, "payroll.#"),
                ErrorCode.UNAUTHORIZED);

        assertThat(alice.admin().queueExists(QUEUE)).as("nothing declared for a refused binding").isFalse();
    }

    @Test
    void anExistingManagedQueueIsUsedAsItIs() {
        alice.admin().bindManagedQueue(QueueDeclaration.durable(QUEUE).withArguments(java.util.Map.of("x-max-length", 5)),
                VirtualHost.AMQ_TOPIC, "sensors.a").join();

        alice.admin().bindManagedQueue(QueueDeclaration.durable(QUEUE), VirtualHost.AMQ_TOPIC, "sensors.b").join();

        alice.send(Route.exchange(VirtualHost.AMQ_TOPIC, "sensors.b"), TestBroker.text("x"), null).join();
        assertThat(tb.stats(QUEUE).ready()).isEqualTo(1);
    }

    @Test
    void unbindingAndDeletingAManagedQueueNeedNoPermission() {
        alice.admin().bindManagedQueue(QueueDeclaration.durable(QUEUE), VirtualHost.AMQ_TOPIC, "sensors.#").join();

        alice.admin().unbindManagedQueue(QUEUE, VirtualHost.AMQ_TOPIC, "sensors.#").join();
        alice.send(Route.exchange(VirtualHost.AMQ_TOPIC, "sensors.t1"), TestBroker.text("lost"), null).join();
        assertThat(tb.stats(QUEUE).ready()).isZero();

        failsWith(alice.admin().deleteQueue(QUEUE, false, false), ErrorCode.UNAUTHORIZED);
        alice.admin().deleteManagedQueue(QUEUE).join();
        assertThat(alice.admin().queueExists(QUEUE)).isFalse();
        failsWith(alice.admin().deleteManagedQueue(QUEUE), ErrorCode.NOT_FOUND);
    }

    @Test
    void aManagedQueueIsNotNamedInTheBrokersReservedNamespace() {
        failsWith(alice.admin().bindManagedQueue(QueueDeclaration.durable("amq.sneaky"), VirtualHost.AMQ_TOPIC,
                "sensors.#"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void aClosedSessionManagesNothing() {
        alice.close();

        failsWith(alice.admin().bindManagedQueue(QueueDeclaration.durable(QUEUE), VirtualHost.AMQ_TOPIC, "sensors.#"),
                ErrorCode.ILLEGAL_STATE);
    }
}
