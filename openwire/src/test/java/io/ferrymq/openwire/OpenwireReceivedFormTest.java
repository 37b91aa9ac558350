package io.ferrymq.openwire;

import io.ferrymq.core.message.Message;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.LocalTransactionId;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message that stays within OpenWire keeps its received MessageId and marshalled properties beside the core
 * message, and a consumer gets them as they came; once the core message is changed, or has none (read back from
 * the journal), the message is rebuilt from the core fields, and both ways give the client the same message.
 */
class OpenwireReceivedFormTest {

    private final TempDestinations temps = new TempDestinations();

    @Test
    void aMessageStayingWithinOpenwireKeepsItsMarshalledPropertiesAndId() throws Exception {
        ActiveMQMessage received = asReceived(sent());
        Message core = OpenwireMessages.toCore(received, "alice", 1_000, temps).assign(7, 1, "", "orders");

        ActiveMQMessage out = OpenwireMessages.toOpenwire(core, temps);

        assertThat(out.getMarshalledProperties().getData()).isSameAs(received.getMarshalledProperties().getData());
        assertThat(out.getMessageId()).isEqualTo(received.getMessageId()).isNotSameAs(received.getMessageId());
        assertThat(((ActiveMQBytesMessage) out).getContent().getData()).isSameAs(received.getContent().getData());
        assertThat(out.getProperties()).isEqualTo(received.getProperties());
        assertThat(out.getGroupSequence()).isEqualTo(3);
        assertThat(((ActiveMQBytesMessage) out).getContent().toArray()).isEqualTo(body());
    }

    @Test
    void aChangedOrRecoveredMessageIsRebuiltIntoTheSameJmsMessage() throws Exception {
        ActiveMQMessage received = asReceived(sent());
        Message core = OpenwireMessages.toCore(received, "alice", 1_000, temps).assign(7, 1, "", "orders");
        Message withoutForm = core.toBuilder().build();
        assertThat(withoutForm.nativeForm()).isNull();

        ActiveMQMessage kept = asReceived(OpenwireMessages.toOpenwire(core, temps));
        ActiveMQMessage rebuilt = asReceived(OpenwireMessages.toOpenwire(withoutForm, temps));

        assertThat(rebuilt.getProperties()).isEqualTo(kept.getProperties()).containsEntry("attempt", 2)
                .doesNotContainKey(OpenwireMessages.GROUP_SEQUENCE);
        assertThat(rebuilt.getProperty("region")).hasToString("eu");
        assertThat(rebuilt.getMessageId()).isEqualTo(kept.getMessageId());
        assertThat(rebuilt.getGroupSequence()).isEqualTo(kept.getGroupSequence()).isEqualTo(3);
        assertThat(rebuilt.getUserID()).isEqualTo(kept.getUserID()).isEqualTo("alice");
    }

    @Test
    void aScheduledDelayIsNotPassedOnAsAProperty() throws Exception {
        ActiveMQBytesMessage m = sent();
        m.setReadOnlyProperties(false);
        m.setLongProperty(OpenwireMessages.SCHEDULED_DELAY, 5_000);
        Message core = OpenwireMessages.toCore(asReceived(m), "alice", 1_000, temps).assign(7, 1, "", "orders");

        assertThat(core.nativeForm()).isNull();
        assertThat(core.deliveryTime()).isEqualTo(6_000);
        ActiveMQMessage out = asReceived(OpenwireMessages.toOpenwire(core, temps));
        assertThat(out.getProperties()).doesNotContainKey(OpenwireMessages.SCHEDULED_DELAY);
        assertThat(out.getProperty("region")).hasToString("eu");
    }

    @Test
    void aPassedThroughMessageCarriesNothingOfItsSendAndOneDestinationPerCompositePart() throws Exception {
        ActiveMQBytesMessage m = sent();
        m.setDestination(new ActiveMQQueue("orders,audit"));
        m.setTransactionId(new LocalTransactionId(new ConnectionId("ID:host-1234-5:1"), 9));
        m.setResponseRequired(true);
        m.setUserID("mallory");
        Message core = OpenwireMessages.toCore(asReceived(m), "alice", 1_000, temps);

        ActiveMQMessage toAudit = asReceived(OpenwireMessages.toOpenwire(core.assign(7, 1, "", "audit"), temps));
        ActiveMQMessage toOrders = asReceived(OpenwireMessages.toOpenwire(core.assign(8, 1, "", "orders"), temps));

        assertThat(toAudit.getDestination()).isEqualTo(new ActiveMQQueue("audit"));
        assertThat(toOrders.getDestination()).isEqualTo(new ActiveMQQueue("orders"));
        assertThat(toAudit.getTransactionId()).isNull();
        assertThat(toAudit.isResponseRequired()).isFalse();
        assertThat(toAudit.getUserID()).isEqualTo("alice");
        assertThat(toAudit.getBrokerInTime()).isEqualTo(1_000);
    }

    @Test
    void aTextMessagePassedThroughKeepsItsTextAndEachDeliveryHasItsOwnId() throws Exception {
        ActiveMQTextMessage m = new ActiveMQTextMessage();
        m.setMessageId(new MessageId("ID:host-1234-5:1:1:1", 43));
        m.setDestination(new ActiveMQQueue("orders"));
        m.setText("grüße");
        m.setStringProperty("region", "eu");
        m.onSend();
        Message core = OpenwireMessages.toCore(asReceived(m), "alice", 1_000, temps).assign(7, 1, "", "orders");

        ActiveMQMessage first = OpenwireMessages.toOpenwire(core, temps);
        first.getMessageId().setBrokerSequenceId(1);
        ActiveMQMessage second = OpenwireMessages.toOpenwire(core, temps);

        assertThat(new String(core.body(), StandardCharsets.UTF_8)).isEqualTo("grüße");
        assertThat(((ActiveMQTextMessage) asReceived(second)).getText()).isEqualTo("grüße");
        assertThat(asReceived(second).getProperty("region")).hasToString("eu");
        assertThat(second.getMessageId().getBrokerSequenceId()).isZero();
    }

    private static byte[] body() {
        return "payload".getBytes(StandardCharsets.UTF_8);
    }

    private static ActiveMQBytesMessage sent() throws Exception {
        ActiveMQBytesMessage m = new ActiveMQBytesMessage();
        m.setMessageId(new MessageId("ID:host-1234-5:1:1:1", 42));
        m.setDestination(new ActiveMQQueue("orders"));
        m.setStringProperty("region", "eu");
        m.setIntProperty("attempt", 2);
        m.setGroupID("g");
        m.setGroupSequence(3);
        m.writeBytes(body());
        m.onSend();
        return m;
    }

    /** The message as the broker's codec hands it over: marshalled by a client, unmarshalled again. */
    private static ActiveMQMessage asReceived(ActiveMQMessage m) throws Exception {
        OpenWireFormat format = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
        ByteSequence wire = format.marshal(m);
        return (ActiveMQMessage) format.unmarshal(wire);
    }
}
