package io.ferrymq.openwire;

import io.ferrymq.core.errors.BrokerException;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTempQueue;
import org.apache.activemq.command.ActiveMQTopic;
import org.apache.activemq.command.ConnectionId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JMS names onto the cross-protocol table and back. */
class OpenwireDestinationsMappingTest {

    @Test
    void activeMqWildcardsBecomeCoreTopicPatterns() {
        assertThat(OpenwireDestinations.topicKey("a.b")).isEqualTo("a.b");
        assertThat(OpenwireDestinations.topicKey("a.*.c")).isEqualTo("a.*.c");
        assertThat(OpenwireDestinations.topicKey("a.>")).isEqualTo("a.#");
        assertThat(OpenwireDestinations.topicKey(">")).isEqualTo("#");
        assertThatThrownBy(() -> OpenwireDestinations.topicKey("")).isInstanceOf(BrokerException.class);
    }

    @Test
    void virtualTopicConsumerQueuesNameTheirTopic() {
        assertThat(OpenwireDestinations.virtualTopicOf("Consumer.A.VirtualTopic.orders")).isEqualTo("VirtualTopic.orders");
        assertThat(OpenwireDestinations.virtualTopicOf("Consumer.A.B.VirtualTopic.x.y")).isEqualTo("VirtualTopic.x.y");
        assertThat(OpenwireDestinations.virtualTopicOf("orders")).isNull();
        assertThat(OpenwireDestinations.virtualTopicOf("Consumer.VirtualTopic.x")).isNull();
        assertThat(OpenwireDestinations.virtualTopicOf("Consumer.A.VirtualTopic.")).isNull();
    }

    @Test
    void replyToIsWrittenAsStompWritesItAndReadBack() {
        TempDestinations temps = new TempDestinations();
        temps.add(new ConnectionId("c1"), new ActiveMQTempQueue("ID:host-1:1:1"), "amq.gen-openwire-1-1");
        assertThat(OpenwireDestinations.toReplyTo(new ActiveMQQueue("q"), temps)).isEqualTo("/queue/q");
        assertThat(OpenwireDestinations.toReplyTo(new ActiveMQTopic("a.b"), temps)).isEqualTo("/topic/a.b");
        assertThat(OpenwireDestinations.toReplyTo(new ActiveMQTempQueue("ID:host-1:1:1"), temps))
                .isEqualTo("/reply-queue/amq.gen-openwire-1-1");

        assertThat(OpenwireDestinations.fromReplyTo("/queue/q", temps)).isEqualTo(new ActiveMQQueue("q"));
        assertThat(OpenwireDestinations.fromReplyTo("/topic/a.b", temps)).isEqualTo(new ActiveMQTopic("a.b"));
        assertThat(OpenwireDestinations.fromReplyTo("/reply-queue/amq.gen-openwire-1-1", temps))
                .isEqualTo(new ActiveMQTempQueue("ID:host-1:1:1"));
        assertThat(OpenwireDestinations.fromReplyTo("/reply-queue/amq.gen-other", temps))
                .isEqualTo(new ActiveMQQueue("amq.gen-other"));
        assertThat(OpenwireDestinations.fromReplyTo("plain-address", temps)).isEqualTo(new ActiveMQQueue("plain-address"));
        assertThat(OpenwireDestinations.fromReplyTo(null, temps)).isNull();

        temps.remove("ID:host-1:1:1");
        assertThat(temps.coreName("ID:host-1:1:1")).isNull();
    }
}
