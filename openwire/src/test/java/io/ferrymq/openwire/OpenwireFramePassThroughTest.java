package io.ferrymq.openwire;

import io.ferrymq.core.policy.AddressPolicy;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the ActiveMQ client: a consumer in the producer's encoding (tight, uncached) gets the message in the bytes
 * the producer sent, which carry no JMSXUserID; one in another encoding (loose) gets it converted, with the
 * sender's login; both get the same message and acknowledge it.
 */
class OpenwireFramePassThroughTest {

    private static EmbeddedOpenwireBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedOpenwireBroker.start(List.of(AddressPolicy.matching("#")), s -> s);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aConsumerOfTheProducersEncodingGetsItsBytesAndAnotherAConversion() throws Exception {
        TextMessage tight = sendAndReceive("pass.tight", broker.factory());
        TextMessage loose = sendAndReceive("pass.loose", broker.factory("?wireFormat.tightEncodingEnabled=false"));

        for (TextMessage m : List.of(tight, loose)) {
            assertThat(m.getText()).isEqualTo("grüße");
            assertThat(m.getStringProperty("region")).isEqualTo("eu");
            assertThat(m.getJMSPriority()).isEqualTo(6);
            assertThat(m.getJMSRedelivered()).isFalse();
        }
        assertThat(tight.getStringProperty("JMSXUserID")).as("the producer's bytes").isNull();
        assertThat(loose.getStringProperty("JMSXUserID")).as("converted").isEqualTo("admin");
    }

    /** Sends with the default (tight, uncached) client, receives with {@code consumerSide}, acknowledges. */
    private static TextMessage sendAndReceive(String queue, ActiveMQConnectionFactory consumerSide) throws Exception {
        try (Connection producing = broker.factory().createConnection();
             Connection consuming = consumerSide.createConnection()) {
            producing.start();
            consuming.start();
            Session ps = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = ps.createProducer(ps.createQueue(queue));
            TextMessage sent = ps.createTextMessage("grüße");
            sent.setStringProperty("region", "eu");
            p.send(sent, DeliveryMode.NON_PERSISTENT, 6, 0);

            Session cs = consuming.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue q = cs.createQueue(queue);
            TextMessage got = (TextMessage) cs.createConsumer(q).receive(10_000);
            assertThat(got).isNotNull();
            assertThat(got.getJMSMessageID()).isEqualTo(sent.getJMSMessageID());
            got.acknowledge();
            cs.close();
            assertThat(consuming.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(q).receive(300))
                    .as("acknowledged").isNull();
            return got;
        }
    }
}
