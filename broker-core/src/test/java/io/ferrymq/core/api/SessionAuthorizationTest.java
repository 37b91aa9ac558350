package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.ConsumeOptions;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ClientInfo;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.testing.RecordingSink;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.BindingDeclaration;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/** Every session operation is checked against the principal's permissions; what no rule allows is refused. */
class SessionAuthorizationTest {

    private TestBroker tb;
    private Session admin;
    private Session alice;

    @BeforeEach
    void setUp() {
        UserAccount adminUser = new UserAccount(TestBroker.ADMIN, PasswordHash.create(TestBroker.PASSWORD, 1000),
                Set.of("admins"), false);
        UserAccount aliceUser = new UserAccount("alice", PasswordHash.create("pw", 1000), Set.of("apps"), false);
        List<PermissionRule> rules = List.of(
                new PermissionRule("*", NamePattern.of("#"), EnumSet.allOf(Permission.class), Set.of("admins"),
                        Set.of()),
                new PermissionRule("/", NamePattern.of("orders.#"),
                        EnumSet.of(Permission.SEND, Permission.CONSUME, Permission.CREATE), Set.of("apps"), Set.of()),
                new PermissionRule("/", NamePattern.of("audit.#"), EnumSet.of(Permission.SEND), Set.of("apps"),
                        Set.of()));
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(adminUser, aliceUser), rules, null)).build();
        admin = tb.session(new RecordingSink());
        alice = tb.session("alice", "pw", new RecordingSink());
        admin.admin().declareQueue(QueueDeclaration.durable("payroll")).join();
        admin.admin().declareQueue(QueueDeclaration.durable("orders.eu")).join();
        admin.admin().declareQueue(QueueDeclaration.durable("audit.log")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void sendIsAllowedOnlyWhereARuleSaysSo() {
        alice.send(Route.queue("orders.eu"), TestBroker.text("ok"), null).join();

        BrokerException e = failsWith(alice.send(Route.queue("payroll"), TestBroker.text("no"), null),
                ErrorCode.UNAUTHORIZED);

        assertThat(e.getMessage()).contains("alice", "send", "payroll");
        assertThat(tb.stats("payroll").total()).isZero();
        assertThat(tb.stats("orders.eu").ready()).isEqualTo(1);
    }

    @Test
    void consumeAndPullNeedTheConsumePermission() {
        alice.consume(Source.queue("orders.eu"), ConsumeOptions.credit(1)).join();

        failsWith(alice.consume(Source.queue("payroll"), ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);
        failsWith(alice.consume(Source.queue("audit.log"), ConsumeOptions.credit(1)), ErrorCode.UNAUTHORIZED);
        failsWith(alice.pull("payroll", new PullOptions(1, 0, 1_000, false)), ErrorCode.UNAUTHORIZED);
        assertThat(tb.stats("payroll").consumers()).isZero();
    }

    @Test
    void autoCreatingAQueueNeedsTheCreatePermission() {
        alice.send(Route.queue("audit.log"), TestBroker.text("existing queue: send is enough"), null).join();

        failsWith(alice.send(Route.queue("audit.new"), TestBroker.text("m"), null), ErrorCode.UNAUTHORIZED);

        assertThat(tb.queue("audit.new")).isNull();
        alice.send(Route.queue("orders.new"), TestBroker.text("m"), null).join();
        assertThat(tb.queue("orders.new")).isNotNull();
    }

    @Test
    void declaringNeedsTheCreatePermission() {
        alice.admin().declareQueue(QueueDeclaration.durable("orders.mine")).join();

        failsWith(alice.admin().declareQueue(QueueDeclaration.durable("payroll.copy")), ErrorCode.UNAUTHORIZED);
        assertThat(tb.queue("payroll.copy")).isNull();
    }

    @Test
    void deletingAndPurgingNeedTheDeletePermission() {
        admin.send(Route.queue("orders.eu"), TestBroker.text("m"), null).join();

        failsWith(alice.admin().deleteQueue("orders.eu", false, false), ErrorCode.UNAUTHORIZED);
        failsWith(alice.admin().purgeQueue("orders.eu"), ErrorCode.UNAUTHORIZED);

        assertThat(tb.queue("orders.eu")).isNotNull();
        assertThat(tb.stats("orders.eu").ready()).isEqualTo(1);
    }

    @Test
    void bindingNeedsConsumeOnTheSourceAndCreateOnTheTarget() {
        alice.admin().bind(BindingDeclaration.queue("amq.topic", "orders.eu", "orders.eu.#")).join();

        failsWith(alice.admin().bind(BindingDeclaration.queue("amq.topic", "payroll", "orders.x")),
                ErrorCode.UNAUTHORIZED);
        failsWith(alice.admin().bind(BindingDeclaration.queue("amq.topic", "orders.eu", "payroll.#")),
                ErrorCode.UNAUTHORIZED);
        assertThat(tb.vhost().bindingsTo(tb.queue("payroll"))).isEmpty();
    }

    @Test
    void aUserWithoutRulesInAVirtualHostCannotOpenASessionThere() {
        BrokerException e = failsWith(tb.broker().open("other",
                new ClientInfo(tb.broker().newConnectionId(), "test", null, "test", null), "alice", "pw",
                new RecordingSink()), ErrorCode.UNAUTHORIZED);

        assertThat(e.getMessage()).contains("alice", "other");
    }

    @Test
    void anUnknownVirtualHostIsNotFound() {
        failsWith(tb.broker().open("nowhere",
                new ClientInfo(tb.broker().newConnectionId(), "test", null, "test", null), "alice", "pw",
                new RecordingSink()), ErrorCode.NOT_FOUND);
    }
}
