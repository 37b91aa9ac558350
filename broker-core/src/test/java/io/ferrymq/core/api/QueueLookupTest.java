package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.filter.FilterSpec;
import io.ferrymq.core.routing.NamePattern;
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
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What an adapter may ask about a queue before it uses it (does it exist, how was it declared, what is bound
 * to it): answered like a passive declare, without a permission, since using the queue is checked anyway.
 */
class QueueLookupTest {

    private TestBroker tb;
    private Session admin;
    private Session nobody;

    @BeforeEach
    void setUp() {
        UserAccount adminUser = new UserAccount(TestBroker.ADMIN, PasswordHash.create(TestBroker.PASSWORD, 1000),
                Set.of("admins"), false);
        UserAccount nobodyUser = new UserAccount("nobody", PasswordHash.create("pw", 1000), Set.of(), false);
        List<PermissionRule> rules = List.of(new PermissionRule("*", NamePattern.of("#"),
                EnumSet.allOf(Permission.class), Set.of("admins"), Set.of()),
                // In the vhost, but with no permission on the queues asked about.
                new PermissionRule("/", NamePattern.of("audit.#"), EnumSet.of(Permission.SEND), Set.of(),
                        Set.of("nobody")));
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(adminUser, nobodyUser), rules, null)).build();
        admin = tb.session(new RecordingSink());
        nobody = tb.session("nobody", "pw", new RecordingSink());
        admin.admin().declareQueue(QueueDeclaration.durable("orders").withArguments(Map.of("x-max-length", 5L)))
                .join();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void existenceNeedsNoPermission() {
        assertThat(nobody.admin().queueExists("orders")).isTrue();
        assertThat(nobody.admin().queueExists("missing")).isFalse();
    }

    @Test
    void aQueueIsDescribedAsTheDeclarationThatMatchesIt() {
        assertThat(nobody.admin().describeQueue("orders")).contains(
                new QueueDeclaration("orders", true, false, false, Map.of("x-max-length", 5L), false));
        assertThat(nobody.admin().describeQueue("missing")).isEmpty();

        QueueDeclaration described = admin.admin().describeQueue("orders").orElseThrow();
        admin.admin().declareQueue(described).join();
    }

    @Test
    void theBindingsOfAQueueCarryKeyAndFilterInTheOrderMade() {
        admin.admin().bind(BindingDeclaration.queue("amq.topic", "orders", "eu.#")).join();
        admin.admin().bind(BindingDeclaration.queue("amq.direct", "orders", "urgent")
                .withFilter(FilterSpec.sql("priority > 4"))).join();

        List<BindingDeclaration> bindings = nobody.admin().bindingsOf("orders");

        assertThat(bindings).extracting(BindingDeclaration::exchange, BindingDeclaration::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("amq.topic", "eu.#"),
                        org.assertj.core.groups.Tuple.tuple("amq.direct", "urgent"));
        assertThat(bindings.get(0).filter()).isNull();
        assertThat(bindings.get(1).filter()).isEqualTo(FilterSpec.sql("priority > 4"));
        assertThat(bindings).allSatisfy(b -> assertThat(b.target()).isEqualTo("orders"));
    }

    @Test
    void theBindingsOfAMissingQueueAreNotFound() {
        assertThatThrownBy(() -> nobody.admin().bindingsOf("missing")).isInstanceOf(BrokerException.class)
                .hasFieldOrPropertyWithValue("code", ErrorCode.NOT_FOUND);
    }

    @Test
    void aClosedSessionAnswersNothing() {
        nobody.close();

        assertThatThrownBy(() -> nobody.admin().queueExists("orders"))
                .hasFieldOrPropertyWithValue("code", ErrorCode.ILLEGAL_STATE);
    }
}
