package io.ferrymq.amqp;

import io.ferrymq.core.routing.NamePattern;
import io.ferrymq.core.security.ConfiguredRealm;
import io.ferrymq.core.security.PasswordHash;
import io.ferrymq.core.security.Permission;
import io.ferrymq.core.security.PermissionRule;
import io.ferrymq.core.security.UserAccount;
import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.security.SaslCode;
import org.apache.qpid.proton.amqp.security.SaslInit;
import org.apache.qpid.proton.amqp.security.SaslMechanisms;
import org.apache.qpid.proton.amqp.security.SaslOutcome;
import org.apache.qpid.proton.amqp.transport.Open;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SASL PLAIN and ANONYMOUS, per AMQP 1.0 part 5.3, with Qpid JMS and at the frame level. */
class AmqpSaslTest {

    @Test
    void plainWithTheRightPasswordOpensTheConnection() throws Exception {
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults()).build().start();
             RawAmqpClient raw = new RawAmqpClient(b.port("amqp"))) {
            Open open = raw.open("admin", "secret");
            assertThat(open.getContainerId()).isEqualTo("FerryMQ");
            assertThat(open.getMaxFrameSize().intValue()).isEqualTo(AmqpSettings.defaults().maxFrameSize());
        }
    }

    @Test
    void wrongPasswordGetsTheAuthOutcomeAndACleanClose() throws Exception {
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults()).build().start()) {
            try (RawAmqpClient raw = new RawAmqpClient(b.port("amqp"))) {
                raw.write(RawAmqpClient.SASL_HEADER);
                assertThat(raw.readHeader()).isEqualTo(RawAmqpClient.SASL_HEADER);
                SaslMechanisms offered = (SaslMechanisms) raw.read().body();
                assertThat(offered.getSaslServerMechanisms()).containsExactly(Symbol.valueOf("PLAIN"));
                SaslInit init = new SaslInit();
                init.setMechanism(Symbol.valueOf("PLAIN"));
                init.setInitialResponse(new org.apache.qpid.proton.amqp.Binary("\0admin\0wrong".getBytes()));
                raw.frame(RawAmqpClient.SASL_FRAME, 0, init, null);
                SaslOutcome outcome = (SaslOutcome) raw.read().body();
                assertThat(outcome.getCode()).isEqualTo(SaslCode.AUTH);
                assertThat(raw.closedByBroker()).isTrue();
            }
            assertThatThrownBy(() -> new JmsConnectionFactory("admin", "wrong", AmqpClients.uri(b))
                    .createConnection().start())
                    .isInstanceOf(JMSSecurityException.class);
            // The broker carries on.
            try (Connection c = AmqpClients.connect(b)) {
                assertThat(c.createSession(false, Session.AUTO_ACKNOWLEDGE)).isNotNull();
            }
        }
    }

    @Test
    void anonymousIsRefusedUnlessConfigured() throws Exception {
        try (EmbeddedBrokerExtension b = AmqpClients.brokerServing(AmqpSettings.defaults()).build().start()) {
            try (RawAmqpClient raw = new RawAmqpClient(b.port("amqp"))) {
                raw.write(RawAmqpClient.SASL_HEADER);
                raw.readHeader();
                raw.read();
                SaslInit init = new SaslInit();
                init.setMechanism(Symbol.valueOf("ANONYMOUS"));
                raw.frame(RawAmqpClient.SASL_FRAME, 0, init, null);
                assertThat(((SaslOutcome) raw.read().body()).getCode()).isEqualTo(SaslCode.AUTH);
                assertThat(raw.closedByBroker()).isTrue();
            }
            // Skipping SASL altogether: the broker answers with the SASL header it requires, and closes.
            try (RawAmqpClient raw = new RawAmqpClient(b.port("amqp"))) {
                raw.write(RawAmqpClient.AMQP_HEADER);
                assertThat(raw.readHeader()).isEqualTo(RawAmqpClient.SASL_HEADER);
                assertThat(raw.closedByBroker()).isTrue();
            }
        }
    }

    @Test
    void anonymousWorksWhereAllowedAndActsAsTheAnonymousUser() throws Exception {
        List<UserAccount> users = List.of(new UserAccount("visitor", PasswordHash.create("unused", 1000),
                Set.of("visitors"), false));
        List<PermissionRule> rules = List.of(new PermissionRule("*", NamePattern.of("public.#"),
                EnumSet.of(Permission.SEND, Permission.CONSUME, Permission.CREATE), Set.of("visitors"), Set.of()));
        try (EmbeddedBrokerExtension broker = AmqpClients.brokerServing(AmqpSettings.defaults().withAllowAnonymous(true))
                .realm(new ConfiguredRealm(users, rules, "visitor")).build().start()) {
            int port = broker.port("amqp");
            try (RawAmqpClient raw = new RawAmqpClient(port)) {
                raw.write(RawAmqpClient.SASL_HEADER);
                raw.readHeader();
                SaslMechanisms offered = (SaslMechanisms) raw.read().body();
                assertThat(offered.getSaslServerMechanisms()).contains(Symbol.valueOf("ANONYMOUS"));
            }
            // Qpid JMS without credentials picks ANONYMOUS.
            try (Connection c = new JmsConnectionFactory("amqp://127.0.0.1:" + port).createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue("public.board")).send(s.createTextMessage("hi"));
                TextMessage m = (TextMessage) s.createConsumer(s.createQueue("public.board")).receive(10_000);
                assertThat(m.getText()).isEqualTo("hi");
                assertThatThrownBy(() -> s.createProducer(s.createQueue("private.board")))
                        .isInstanceOf(JMSSecurityException.class).hasMessageContaining("private.board");
            }
        }
    }
}
