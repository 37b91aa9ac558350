package io.ferrymq.core.api;

import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection's temporary queues: named by the broker in {@code amq.gen-}, created and deleted without a
 * create or delete permission, usable by no other connection, and gone with their connection.
 */
class TemporaryQueueTest {

    private TestBroker tb;
    private Session alice;
    private Session other;

    @BeforeEach
    void setUp() {
        UserAccount admin = new UserAccount(TestBroker.ADMIN, PasswordHash.create(TestBroker.PASSWORD, 1000),
                Set.of("admins"), false);
        UserAccount aliceUser = new UserAccount("alice", PasswordHash.create("pw", 1000), Set.of(), false);
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"),
                        Set.of()),
                // Sending to and consuming from anything, but creating and deleting nothing.
                new PermissionRule("/", NamePattern.of("#"), EnumSet.of(Permission.SEND, Permission.CONSUME),
                        Set.of(), Set.of("alice")));
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(admin, aliceUser), rules, null)).build();
        alice = tb.session("alice", "pw", new RecordingSink());
        other = tb.session(new RecordingSink());
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void aTemporaryQueueNeedsNoCreatePermissionAndIsNamedByTheBroker() {
        failsWith(alice.admin().declareQueue(QueueDeclaration.temporary("mine")), ErrorCode.UNAUTHORIZED);

        String labelled = alice.admin().declareTemporaryQueue("stomp-7-replies", false);
        String random = alice.admin().declareTemporaryQueue("", true);

        assertThat(labelled).isEqualTo("amq.gen-stomp-7-replies");
        assertThat(random).startsWith("amq.gen-").hasSizeGreaterThan("amq.gen-".length());
        assertThat(tb.queue(labelled).exclusive()).isTrue();
        assertThat(tb.queue(labelled).durable()).isFalse();
        assertThat(tb.queue(labelled).autoDelete()).isFalse();
        assertThat(tb.queue(random).autoDelete()).isTrue();
    }

    @Test
    void declaringTheSameTemporaryQueueAgainIsHarmless() {
        String first = alice.admin().declareTemporaryQueue("x", false);
        String again = alice.admin().declareTemporaryQueue("x", false);

        assertThat(again).isEqualTo(first);
    }

    @Test
    void anotherConnectionCannotUseOrTakeOverATemporaryQueue() {
        String q = alice.admin().declareTemporaryQueue("x", false);

        failsWith(other.consume(Source.queue(q), ConsumeOptions.credit(1)), ErrorCode.RESOURCE_LOCKED);
        assertThatThrownBy(() -> other.admin().declareTemporaryQueue("x", false))
                .hasFieldOrPropertyWithValue("code", ErrorCode.RESOURCE_LOCKED);
        failsWith(other.admin().deleteTemporaryQueue(q), ErrorCode.RESOURCE_LOCKED);
        assertThat(tb.queue(q)).isNotNull();
    }

    @Test
    void itsOwnConnectionSendsToItConsumesFromItAndDeletesItWithoutADeletePermission() {
        RecordingSink sink = new RecordingSink();
        Session bob = tb.session("alice", "pw", sink);
        String q = bob.admin().declareTemporaryQueue("", false);
        bob.send(Route.queue(q), TestBroker.text("reply"), null).join();
        Subscription sub = bob.consume(Source.queue(q), ConsumeOptions.credit(1).withAutoSettle(true)).join();
        assertThat(sink.bodies()).containsExactly("reply");
        sub.close().join();

        long held = bob.admin().deleteTemporaryQueue(q).join();

        assertThat(held).isZero();
        assertThat(tb.queue(q)).isNull();
        failsWith(bob.admin().deleteTemporaryQueue(q), ErrorCode.NOT_FOUND);
    }

    @Test
    void onlyTemporaryQueuesAreDeletedThatWay() {
        other.admin().declareQueue(QueueDeclaration.durable("shared")).join();

        failsWith(alice.admin().deleteTemporaryQueue("shared"), ErrorCode.RESOURCE_LOCKED);
        assertThat(tb.queue("shared")).isNotNull();
    }

    @Test
    void aTemporaryQueueGoesWithItsConnection() {
        String q = alice.admin().declareTemporaryQueue("x", false);

        alice.close();

        assertThat(tb.queue(q)).isNull();
    }
}
