package io.ferrymq.openwire;

import io.ferrymq.core.message.Message;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
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

        assertThat(out.getMarshalledProperties()).isSameAs(received.getMarshalledProperties());
        assertThat(out.getMessageId()).isEqualTo(received.getMessageId()).isNotSameAs(received.getMessageId());
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
