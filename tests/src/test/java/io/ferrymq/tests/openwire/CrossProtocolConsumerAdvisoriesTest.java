package io.ferrymq.tests.openwire;

import io.ferrymq.openwire.OpenwireProtocol;
import io.ferrymq.openwire.OpenwireSettings;
import io.ferrymq.stomp.StompProtocol;
import io.ferrymq.stomp.StompSettings;
import io.ferrymq.tests.support.StompTestClient;
import io.ferrymq.transport.testing.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.advisory.AdvisorySupport;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConsumerInfo;
import org.apache.activemq.command.RemoveInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ActiveMQ's consumer advisories count every consumer of a destination: a STOMP subscriber shows in
 * {@code ActiveMQ.Advisory.Consumer.Queue.X}/{@code .Topic.X} beside OpenWire consumers, through the core's consumer
 * events (the OpenWire module knows nothing of STOMP).
 */
class CrossProtocolConsumerAdvisoriesTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedBroker.builder()
                .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
                .protocol(b -> new OpenwireProtocol(b, OpenwireSettings.defaults()))
                .tcp("mixed", StompProtocol.NAME, OpenwireProtocol.NAME)
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Connection openwire() throws Exception {
        Connection c = new ActiveMQConnectionFactory("guest", "guest", "tcp://127.0.0.1:" + broker.port("mixed"))
                .createConnection();
        c.start();
        return c;
    }

    private static ActiveMQMessage next(MessageConsumer advisories) throws Exception {
        ActiveMQMessage m = (ActiveMQMessage) advisories.receive(10_000);
        assertThat(m).as("an advisory").isNotNull();
        return m;
    }

    @Test
    void aStompQueueSubscriberIsAdvisedAndCountedWithOpenwireConsumers() throws Exception {
        ActiveMQQueue queue = new ActiveMQQueue("xadv-consumers-" + UUID.randomUUID());
        try (Connection c = openwire(); StompTestClient stomp = StompTestClient.connect(broker.port("mixed"))) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(AdvisorySupport.getConsumerAdvisoryTopic(queue));

            stomp.subscribe("/queue/" + queue.getPhysicalName());
            ActiveMQMessage stompJoined = next(advisories);
            assertThat(stompJoined.getDataStructure()).isInstanceOf(ConsumerInfo.class);
            assertThat(((ConsumerInfo) stompJoined.getDataStructure()).getDestination()).isEqualTo(queue);
            assertThat(stompJoined.getIntProperty("consumerCount")).isEqualTo(1);

            MessageConsumer jms = s.createConsumer(queue);
            assertThat(next(advisories).getIntProperty("consumerCount")).isEqualTo(2);

            stomp.close();
            ActiveMQMessage stompLeft = next(advisories);
            assertThat(stompLeft.getDataStructure()).isInstanceOf(RemoveInfo.class);
            assertThat(((RemoveInfo) stompLeft.getDataStructure()).getObjectId())
                    .isEqualTo(((ConsumerInfo) stompJoined.getDataStructure()).getConsumerId());
            assertThat(stompLeft.getIntProperty("consumerCount")).isEqualTo(1);
            jms.close();
        }
    }

    @Test
    void aStompTopicSubscriberThereBeforeTheWatcherIsAdvisedFirst() throws Exception {
        ActiveMQTopic topic = new ActiveMQTopic("xadv.prices." + UUID.randomUUID());
        try (Connection c = openwire(); StompTestClient stomp = StompTestClient.connect(broker.port("mixed"))) {
            stomp.subscribe("/topic/" + topic.getPhysicalName());
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer advisories = s.createConsumer(AdvisorySupport.getConsumerAdvisoryTopic(topic));

            ActiveMQMessage existing = next(advisories);
            assertThat(((ConsumerInfo) existing.getDataStructure()).getDestination()).isEqualTo(topic);
            assertThat(existing.getIntProperty("consumerCount")).isEqualTo(1);
        }
    }
}
