package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.queue.PullOptions;
import io.ferrymq.core.queue.QueueStats;
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
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.ferrymq.core.testing.Futures.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What adapters learn about queues through {@link Admin} instead of holding a queue: its counters, whether it
 * exists, which queues there are, and purges with or without the messages in flight; each permission-checked.
 */
class AdminQueueQueriesTest {

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
                new PermissionRule("/", NamePattern.of("orders.#"), EnumSet.of(Permission.CONSUME), Set.of("apps"),
                        Set.of()),
                new PermissionRule("/", NamePattern.of("audit.#"), EnumSet.of(Permission.SEND), Set.of("apps"),
                        Set.of()));
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(adminUser, aliceUser), rules, null)).build();
        admin = tb.session(new RecordingSink());
        alice = tb.session("alice", "pw", new RecordingSink());
        admin.admin().declareQueue(QueueDeclaration.durable("orders.eu")).join();
        admin.admin().declareQueue(QueueDeclaration.durable("audit.log")).join();
        admin.admin().declareQueue(QueueDeclaration.durable("payroll")).join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void statsCountReadyInFlightAndDelayedMessages() {
        for (int i = 0; i < 3; i++) {
            admin.send(Route.queue("orders.eu"), TestBroker.text("m" + i), null).join();
        }
        admin.send(Route.queue("orders.eu"), TestBroker.message("later")
                .deliveryTime(tb.clock().millis() + 60_000).build(), null).join();
        admin.pull("orders.eu", new PullOptions(1, 0, 30_000, false)).join();

        QueueStats s = alice.admin().queueStats("orders.eu").join();

        assertThat(s.ready()).isEqualTo(2);
        assertThat(s.inFlight()).isEqualTo(1);
        assertThat(s.scheduled()).isEqualTo(1);
        assertThat(s.consumers()).isZero();
    }

    @Test
    void statsNeedConsumeOrManageAndAnExistingQueue() {
        BrokerException e = failsWith(alice.admin().queueStats("audit.log"), ErrorCode.UNAUTHORIZED);
        assertThat(e.getMessage()).contains("alice", "audit.log");
        failsWith(admin.admin().queueStats("nothing"), ErrorCode.NOT_FOUND);
    }

    @Test
    void purgeKeepsMessagesInFlightUnlessAskedToTakeThemToo() {
        for (int i = 0; i < 3; i++) {
            admin.send(Route.queue("payroll"), TestBroker.text("m" + i), null).join();
        }
        admin.pull("payroll", new PullOptions(1, 0, 30_000, false)).join();

        assertThat(admin.admin().purgeQueue("payroll", false).join()).isEqualTo(2);
        assertThat(tb.stats("payroll").inFlight()).isEqualTo(1);

        assertThat(admin.admin().purgeQueue("payroll", true).join()).isEqualTo(1);
        assertThat(tb.stats("payroll").total()).isZero();
    }

    @Test
    void purgeWithInFlightNeedsTheDeletePermission() {
        failsWith(alice.admin().purgeQueue("orders.eu", true), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void anExistenceCheckDescribesTheQueueOrFindsNothing() {
        admin.admin().declareQueue(QueueDeclaration.temporary("reply")).join();

        assertThat(alice.admin().describeQueue("orders.eu")).contains(QueueDeclaration.durable("orders.eu"));
        assertThat(admin.admin().describeQueue("reply")).contains(QueueDeclaration.temporary("reply"));
        assertThat(alice.admin().describeQueue("nothing")).isEmpty();
    }

    @Test
    void anExchangeExistenceCheckSeesDeclaredAndBuiltInExchanges() {
        admin.admin().declareExchange(ExchangeDeclaration.durable("events", ExchangeType.TOPIC)).join();

        assertThat(alice.admin().exchangeExists("events")).isTrue();
        assertThat(alice.admin().exchangeExists("amq.topic")).isTrue();
        assertThat(alice.admin().exchangeExists("nothing")).isFalse();
    }

    @Test
    void aListingShowsOnlyQueuesThePrincipalHoldsSomePermissionOn() {
        assertThat(alice.admin().describeQueues()).extracting(QueueDeclaration::name)
                .containsExactly("audit.log", "orders.eu");
        assertThat(admin.admin().describeQueues()).extracting(QueueDeclaration::name)
                .containsExactly("audit.log", "orders.eu", "payroll");
    }
}
