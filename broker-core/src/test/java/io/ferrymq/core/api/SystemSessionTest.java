package io.ferrymq.core.api;

import io.ferrymq.core.errors.BrokerException;
import io.ferrymq.core.errors.ErrorCode;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.core.testing.TestBroker;
import io.ferrymq.core.vhost.QueueDeclaration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker's own session (wills, retained copies, cleanup): it may do everything and is no client's session. */
class SystemSessionTest {

    private TestBroker tb;

    @BeforeEach
    void setUp() {
        // A realm whose only user may do nothing at all.
        UserAccount nobody = new UserAccount("nobody", PasswordHash.create("pw", 1000), Set.of(), false);
        tb = TestBroker.builder().realm(new ConfiguredRealm(List.of(nobody), List.of(), null)).build();
    }

    @AfterEach
    void tearDown() {
        tb.close();
    }

    @Test
    void theSystemSessionMayDoWhatNoConfiguredRuleAllows() {
        Session system = tb.broker().systemSession("/");

        system.admin().declareQueue(QueueDeclaration.durable("wills")).join();
        system.send(Route.queue("wills"), TestBroker.text("gone"), null).join();
        system.admin().deleteQueue("wills", false, false).join();

        assertThat(system.admin().queueExists("wills")).isFalse();
    }

    @Test
    void thereIsOnePerVirtualHostAndItIsNotAClientSession() {
        Session system = tb.broker().systemSession("/");

        assertThat(tb.broker().systemSession("/")).isSameAs(system);
        assertThat(tb.broker().sessionCount()).isZero();
        assertThat(tb.broker().vhostNames()).contains("/");
        assertThatThrownBy(() -> tb.broker().systemSession("nowhere"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void itClosesWithTheBroker() {
        Session system = tb.broker().systemSession("/");

        tb.close();

        assertThat(system.isClosed()).isTrue();
        assertThatThrownBy(() -> tb.broker().systemSession("/"))
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }
}
