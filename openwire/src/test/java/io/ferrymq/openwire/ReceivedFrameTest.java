package io.ferrymq.openwire;

import io.ferrymq.core.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.activemq.command.ActiveMQBytesMessage;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.command.ActiveMQQueue;
import org.apache.activemq.command.ActiveMQTextMessage;
import org.apache.activemq.command.ConnectionId;
import org.apache.activemq.command.ConsumerId;
import org.apache.activemq.command.LocalTransactionId;
import org.apache.activemq.command.MessageDispatch;
import org.apache.activemq.command.MessageId;
import org.apache.activemq.command.ProducerId;
import org.apache.activemq.command.SessionId;
import org.apache.activemq.command.WireFormatInfo;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message sent in tight, uncached encoding is dispatched in the frame it came in: activemq-client reads the
 * dispatch as the message the producer sent, with this delivery's broker sequence id (whatever its size) in the
 * MessageId, the consumer, destination and redelivery count of the dispatch; a frame that cannot stand for the
 * delivered message, or a connection of another encoding, is not given one.
 */
class ReceivedFrameTest {

    /** Each codec's channel (a codec belongs to one). */
    private final Map<OpenwireCodec, EmbeddedChannel> channels = new HashMap<>();

    private static final ConsumerId CONSUMER = new ConsumerId(new SessionId(new ConnectionId("ID:consumer-host-1"), 1), 2);

    @ParameterizedTest
    @ValueSource(longs = {1, 65_535, 65_536, 4_294_967_295L, 4_294_967_296L})
    void aDispatchOfTheReceivedFrameIsReadAsTheSentMessageWithItsSequence(long sequence) throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        ActiveMQTextMessage sent = text("grüße, orders");
        ActiveMQMessage received = receive(codec, sent);
        ReceivedFrame frame = codec.takeFrame(received);
        assertThat(frame).isNotNull();
        assertThat(codec.takeFrame(received)).as("taken once").isNull();

        MessageDispatch read = dispatch(codec, frame, sequence, 2);

        assertThat(read.getConsumerId()).isEqualTo(CONSUMER);
        assertThat(read.getDestination()).isEqualTo(new ActiveMQQueue("orders"));
        assertThat(read.getRedeliveryCounter()).isEqualTo(2);
        ActiveMQTextMessage m = (ActiveMQTextMessage) read.getMessage();
        assertThat(m.getMessageId()).isEqualTo(sent.getMessageId());
        assertThat(m.getMessageId().getBrokerSequenceId()).isEqualTo(sequence);
        assertThat(m.getText()).isEqualTo("grüße, orders");
        assertThat(m.getProperty("region")).hasToString("eu");
        assertThat(m.getIntProperty("attempt")).isEqualTo(2);
        assertThat(m.getCorrelationId()).isEqualTo("corr-1");
        assertThat(m.getPriority()).isEqualTo((byte) 7);
        assertThat(m.getDestination()).isEqualTo(new ActiveMQQueue("orders"));
    }

    @Test
    void framesOfOneConnectionWithChangingIdsAndDestinationsAreEachPatchedInTheirPlace() throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        long[] producerSequences = {1, 2, 65_535, 65_536, 65_537, 4_294_967_296L, 7};
        String[] producers = {"ID:producer-host-1:1:1:1", "ID:another-producer-host-77:3:1:12"};
        String[] queues = {"orders", "a.much.longer.queue.name"};
        long delivery = 0;
        for (long producerSequence : producerSequences) {
            for (String producer : producers) {
                for (String queue : queues) {
                    ActiveMQTextMessage sent = text("m" + producerSequence);
                    sent.setMessageId(new MessageId(new ProducerId(producer), producerSequence));
                    sent.setProducerId(new ProducerId(producer));
                    sent.setDestination(new ActiveMQQueue(queue));
                    ActiveMQMessage received = receive(codec, sent);

                    MessageDispatch read = dispatch(codec, codec.takeFrame(received), ++delivery * 40_000, 0);

                    ActiveMQTextMessage m = (ActiveMQTextMessage) read.getMessage();
                    assertThat(m.getMessageId()).isEqualTo(sent.getMessageId());
                    assertThat(m.getMessageId().getBrokerSequenceId()).isEqualTo(delivery * 40_000);
                    assertThat(m.getDestination()).isEqualTo(new ActiveMQQueue(queue));
                    assertThat(m.getText()).isEqualTo("m" + producerSequence);
                }
            }
        }
    }

    @Test
    void everyMessageOfOneReadKeepsItsFrameUntilItIsHandled() throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        OpenWireFormat client = client(true, false);
        ByteBuf read = Unpooled.buffer();
        for (int i = 1; i <= 3; i++) {
            ActiveMQTextMessage m = text("m" + i);
            m.setMessageId(new MessageId(new ProducerId("ID:producer-host-1:1:1:1"), i));
            ByteSequence bytes = client.marshal(m);
            read.writeBytes(bytes.getData(), bytes.getOffset(), bytes.getLength());
        }
        EmbeddedChannel channel = channels.get(codec);
        channel.writeInbound(read);
        ActiveMQMessage first = channel.readInbound();
        ActiveMQMessage second = channel.readInbound();
        ActiveMQMessage third = channel.readInbound();

        ReceivedFrame firstFrame = codec.takeFrame(first);
        assertThat(codec.takeFrame(third)).as("the second's frame is dropped, never taken").isNotNull();
        assertThat(codec.takeFrame(second)).isNull();

        ActiveMQTextMessage m = (ActiveMQTextMessage) dispatch(codec, firstFrame, 9, 0).getMessage();
        assertThat(m.getText()).isEqualTo("m1");
        assertThat(m.getMessageId().getProducerSequenceId()).isEqualTo(1);
    }

    @Test
    void aBytesMessageWithALongPropertyStreamKeepsItsBody() throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        ActiveMQBytesMessage sent = new ActiveMQBytesMessage();
        sent.setMessageId(new MessageId(new ProducerId("ID:producer-host-1:1:1:1"), 42));
        sent.setDestination(new ActiveMQQueue("orders"));
        for (int i = 0; i < 300; i++) {
            // Many properties and fields do not move the MessageId, which comes first.
            sent.setStringProperty("p" + i, "v" + i);
        }
        sent.setContent(new ByteSequence(new byte[] {1, 2, 3, 4}));
        ActiveMQMessage received = receive(codec, sent);

        MessageDispatch read = dispatch(codec, codec.takeFrame(received), 1_000, 0);

        ActiveMQBytesMessage m = (ActiveMQBytesMessage) read.getMessage();
        assertThat(m.getMessageId().getBrokerSequenceId()).isEqualTo(1_000);
        assertThat(m.getContent().toArray()).containsExactly(1, 2, 3, 4);
        assertThat(m.getStringProperty("p299")).isEqualTo("v299");
    }

    @Test
    void aKeptFrameCountsInTheMessagesSizeForMemoryLimits() throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        ActiveMQMessage received = receive(codec, text("x".repeat(10_000)));
        ReceivedFrame frame = codec.takeFrame(received);
        TempDestinations temps = new TempDestinations();

        Message withFrame = OpenwireMessages.toCore(received, frame, "alice", 1_000, temps);
        Message without = OpenwireMessages.toCore(received, null, "alice", 1_000, temps);

        assertThat(OpenwireMessages.frameOf(withFrame)).isSameAs(frame);
        assertThat(withFrame.estimatedSize() - without.estimatedSize()).isEqualTo(frame.bytes().length)
                .isGreaterThan(10_000);
    }

    @Test
    void aConsumerThatCannotTakeTheFrameGetsTheMessageMadeFromIt() throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        ActiveMQTextMessage sent = text("grüße, orders");
        ActiveMQMessage received = receive(codec, sent);
        ReceivedFrame frame = codec.takeFrame(received);
        TempDestinations temps = new TempDestinations();
        Message core = OpenwireMessages.toCore(received, frame, "alice", 1_000, temps).assign(7, 1, "", "orders");

        ActiveMQTextMessage m = (ActiveMQTextMessage) OpenwireMessages.toOpenwire(core, temps);
        ActiveMQTextMessage again = (ActiveMQTextMessage) OpenwireMessages.toOpenwire(core, temps);

        for (ActiveMQTextMessage each : List.of(m, again)) {
            assertThat(each.getMessageId()).isEqualTo(sent.getMessageId());
            assertThat(each.getText()).isEqualTo("grüße, orders");
            assertThat(each.getProperty("region")).hasToString("eu");
            assertThat(each.getIntProperty("attempt")).isEqualTo(2);
            assertThat(each.getPriority()).isEqualTo((byte) 7);
            assertThat(each.getUserID()).as("the sender's login").isEqualTo("alice");
            assertThat(each.getBrokerInTime()).isEqualTo(1_000);
            assertThat(each.isResponseRequired()).isFalse();
            assertThat(each.getCommandId()).isZero();
        }
        assertThat(m).as("a copy per delivery").isNotSameAs(again);
    }

    @Test
    void aSendTheFrameCannotStandForHasNone() throws Exception {
        OpenwireCodec codec = negotiated(true, false);
        ActiveMQTextMessage transacted = text("a");
        transacted.setTransactionId(new LocalTransactionId(new ConnectionId("ID:host-1234-5:1"), 9));
        ActiveMQTextMessage composite = text("b");
        composite.setDestination(new ActiveMQQueue("orders,audit"));
        ActiveMQTextMessage claimsAUser = text("c");
        claimsAUser.setUserID("mallory");

        for (ActiveMQMessage m : new ActiveMQMessage[] {transacted, composite, claimsAUser}) {
            ActiveMQMessage received = receive(codec, m);
            assertThat(codec.takeFrame(received)).isNull();
        }
    }

    @Test
    void aCachedOrLooseConnectionKeepsNoFrameAndPassesNoneOn() throws Exception {
        OpenwireCodec cached = negotiated(true, true);
        OpenwireCodec loose = negotiated(false, false);
        assertThat(cached.takeFrame(receive(cached, text("a")))).isNull();
        assertThat(loose.takeFrame(receive(loose, text("b")))).isNull();

        OpenwireCodec tight = negotiated(true, false);
        ReceivedFrame frame = tight.takeFrame(receive(tight, text("c")));
        assertThat(tight.canPassOn(frame)).isTrue();
        assertThat(cached.canPassOn(frame)).isFalse();
        assertThat(loose.canPassOn(frame)).isFalse();
    }

    private static ActiveMQTextMessage text(String body) throws Exception {
        ActiveMQTextMessage m = new ActiveMQTextMessage();
        m.setMessageId(new MessageId(new ProducerId("ID:producer-host-1:1:1:1"), 42));
        m.setDestination(new ActiveMQQueue("orders"));
        m.setText(body);
        m.setCorrelationId("corr-1");
        m.setPriority((byte) 7);
        m.setStringProperty("region", "eu");
        m.setIntProperty("attempt", 2);
        m.setResponseRequired(true);
        m.setCommandId(5);
        return m;
    }

    /** A codec on its channel after WireFormatInfo with a client of the given encoding, as a connection has it. */
    private OpenwireCodec negotiated(boolean tight, boolean cache) throws Exception {
        OpenwireCodec codec = new OpenwireCodec(OpenwireSettings.defaults().withCacheEnabled(true));
        codec.negotiate(clientInfo(tight, cache));
        channels.put(codec, new EmbeddedChannel(codec));
        return codec;
    }

    /** What activemq-client offers, with the given encoding and cache. */
    static WireFormatInfo clientInfo(boolean tight, boolean cache) throws Exception {
        WireFormatInfo info = new WireFormatInfo();
        info.setVersion(OpenwireCodec.MAX_VERSION);
        info.setTightEncodingEnabled(tight);
        info.setCacheEnabled(cache);
        info.setCacheSize(1024);
        info.setSizePrefixDisabled(false);
        info.setMaxFrameSize(OpenWireFormat.DEFAULT_MAX_FRAME_SIZE);
        return info;
    }

    private static OpenWireFormat client(boolean tight, boolean cache) throws Exception {
        OpenWireFormat f = new OpenWireFormat(OpenwireCodec.MAX_VERSION);
        f.setPreferedWireFormatInfo(clientInfo(tight, cache));
        f.renegotiateWireFormat(clientInfo(tight, cache));
        return f;
    }

    /** {@code m} as the codec decodes it from a client of the codec's encoding. */
    private ActiveMQMessage receive(OpenwireCodec codec, ActiveMQMessage m) throws Exception {
        m.setReadOnlyProperties(false);
        ByteSequence bytes = client(codec.tightEncoding(), codec.cacheEnabled()).marshal(m);
        EmbeddedChannel channel = channels.get(codec);
        channel.writeInbound(Unpooled.wrappedBuffer(bytes.getData(), bytes.getOffset(), bytes.getLength()));
        ActiveMQMessage read = channel.readInbound();
        assertThat(read.getMessageId()).isEqualTo(m.getMessageId());
        return read;
    }

    /** The dispatch of {@code frame} as the codec writes it, read back by activemq-client's format. */
    private MessageDispatch dispatch(OpenwireCodec codec, ReceivedFrame frame, long sequence, int redeliveries)
            throws Exception {
        EmbeddedChannel channel = channels.get(codec);
        channel.writeOutbound(new FrameDispatch(frame, codec.dispatchHeader(CONSUMER, new ActiveMQQueue("orders")),
                sequence, redeliveries));
        ByteBuf out = channel.readOutbound();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return (MessageDispatch) client(true, false).unmarshal(new ByteSequence(bytes));
    }
}
