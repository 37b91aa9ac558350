package io.ferrymq.openwire;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnection;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.advisory.DestinationSource;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConnectionInfo;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.ProducerInfo;
import org.apache.activemq.command.RemoveInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ActiveMQ's advisory topics as activemq-client's {@link AdvisorySupport} names them: consumers, producers and
 * connections coming and going (what exists first, then changes), and destinations, which
 * {@link DestinationSource} lists.
 */
class OpenwireAdvisoriesTest {

    private final EmbeddedOpenwireBroker broker = EmbeddedOpenwireBroker.start();

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void consumerAdvisoriesTellOfConsumersThereAlreadyAndOfThoseThatComeAndGo() throws Exception {
        ActiveMQQueue queue = new ActiveMQQueue("adv.consumers");
        try (Connection watching = broker.factory().createConnection(); Connection other = broker.factory().createConnection()) {
            watching.start();
            other.start();
            Session os = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer first = os.createConsumer(queue);
            Session ws = watching.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = ws.createConsumer(AdvisorySupport.getConsumerAdvisoryTopic(queue));

            ActiveMQMessage existing = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(existing.getDataStructure()).isInstanceOf(ConsumerInfo.class);
            assertThat(((ConsumerInfo) existing.getDataStructure()).getDestination()).isEqualTo(queue);
            assertThat(existing.getIntProperty("consumerCount")).isEqualTo(1);

            MessageConsumer second = os.createConsumer(queue);
            ActiveMQMessage added = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(added.getDataStructure()).isInstanceOf(ConsumerInfo.class);
            assertThat(added.getIntProperty("consumerCount")).isEqualTo(2);

            second.close();
            ActiveMQMessage removed = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(removed.getDataStructure()).isInstanceOf(RemoveInfo.class);
            assertThat(removed.getIntProperty("consumerCount")).isEqualTo(1);
            assertThat(removed.getJMSDestination()).isEqualTo(AdvisorySupport.getConsumerAdvisoryTopic(queue));
            first.close();
        }
    }

    @Test
    void producerAdvisoriesTellOfProducersOnATopic() throws Exception {
        ActiveMQTopic topic = new ActiveMQTopic("adv.prices");
        try (Connection watching = broker.factory().createConnection(); Connection other = broker.factory().createConnection()) {
            watching.start();
            Session ws = watching.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = ws.createConsumer(AdvisorySupport.getProducerAdvisoryTopic(topic));
            Session os = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = os.createProducer(topic);

            ActiveMQMessage added = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(added.getDataStructure()).isInstanceOf(ProducerInfo.class);
            assertThat(added.getIntProperty("producerCount")).isEqualTo(1);
            producer.close();
            ActiveMQMessage removed = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(removed.getDataStructure()).isInstanceOf(RemoveInfo.class);
            assertThat(removed.getIntProperty("producerCount")).isZero();
        }
    }

    @Test
    void theConnectionAdvisoryTellsOfConnectionsWithoutTheirPasswords() throws Exception {
        try (Connection watching = broker.factory().createConnection()) {
            watching.start();
            Session ws = watching.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = ws.createConsumer(AdvisorySupport.getConnectionAdvisoryTopic());
            ActiveMQMessage self = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(((ConnectionInfo) self.getDataStructure()).getConnectionId())
                    .isEqualTo(((ActiveMQConnection) watching).getConnectionInfo().getConnectionId());

            ActiveMQConnection other = (ActiveMQConnection) broker.factory().createConnection();
            other.start();
            ActiveMQMessage added = (ActiveMQMessage) advisories.receive(10_000);
            ConnectionInfo info = (ConnectionInfo) added.getDataStructure();
            assertThat(info.getConnectionId()).isEqualTo(other.getConnectionInfo().getConnectionId());
            assertThat(info.getUserName()).isEqualTo("admin");
            assertThat(info.getPassword()).isNull();
            other.close();
            ActiveMQMessage removed = (ActiveMQMessage) advisories.receive(10_000);
            assertThat(((RemoveInfo) removed.getDataStructure()).getObjectId())
                    .isEqualTo(other.getConnectionInfo().getConnectionId());
        }
    }

    @Test
    void theDestinationSourceListsTheBrokersQueuesAndNewOnes() throws Exception {
        try (Connection c = broker.factory().createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("adv.listed.before")).send(s.createTextMessage("x"));

            ActiveMQConnection watching = (ActiveMQConnection) broker.factory().createConnection();
            try {
                watching.start();
                DestinationSource source = watching.getDestinationSource();
                await().atMost(Duration.ofSeconds(10)).until(() -> source.getQueues()
                        .contains(new ActiveMQQueue("adv.listed.before")));
                s.createProducer(s.createQueue("adv.listed.after")).send(s.createTextMessage("y"));
                await().atMost(Duration.ofSeconds(10)).until(() -> source.getQueues()
                        .contains(new ActiveMQQueue("adv.listed.after")));
                MessageConsumer destinations = s.createConsumer(AdvisorySupport.QUEUE_ADVISORY_TOPIC);
                watching.destroyDestination(new ActiveMQQueue("adv.listed.after"));
                await().atMost(Duration.ofSeconds(10)).until(() -> !source.getQueues()
                        .contains(new ActiveMQQueue("adv.listed.after")));
                destinations.close();
            } finally {
                watching.close();
            }
        }
    }
}
