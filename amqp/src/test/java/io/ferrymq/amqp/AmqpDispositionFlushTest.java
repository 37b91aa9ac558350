package io.ferrymq.amqp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.ferrymq.transport.testing.FlushCounter;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.transport.Disposition;
import org.apache.qpid.proton.amqp.transport.Flow;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.BitSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispositions and flow frames that answer a burst of transfers are written without a flush each and flushed
 * once per read batch or batch of completions: every transfer is still accepted, in far fewer flushes. The
 * flushes are counted between the AMQP connection handler and the socket, so the count is the handler's, not
 * what the socket coalesced.
 */
class AmqpDispositionFlushTest {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpDispositionFlushTest.class);
    private static final int BURST = 200;

    private final FlushCounter counter = new FlushCounter();

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> counter.around(new AmqpProtocol(b, AmqpSettings.defaults()), "amqp"))
            .tcp("amqp", AmqpProtocol.NAME)
            .durable()
            .build();

    @Test
    void aBurstOfDurableTransfersIsAcceptedInFewFlushes() throws Exception {
        try (RawAmqpClient raw = new RawAmqpClient(broker.port("amqp"))) {
            raw.open("admin", "secret");
            Flow credit = raw.attachSender("burst-sender", "/queue/flushed");
            assertThat(credit.getLinkCredit().intValue()).as("credit for the whole burst")
                    .isGreaterThanOrEqualTo(BURST);
            int before = counter.flushes();

            // Durable messages in a journal: each send completes when the journal has it, each completion a task
            // of its own on the connection's event loop.
            raw.write(transfers(BURST));
            BitSet accepted = new BitSet();
            int flows = 0;
            while (accepted.cardinality() < BURST) {
                Object body = raw.read().body();
                if (body instanceof Flow) {
                    flows++;
                    continue;
                }
                Disposition d = (Disposition) body;
                assertThat(d.getState()).isInstanceOf(Accepted.class);
                int last = d.getLast() == null ? d.getFirst().intValue() : d.getLast().intValue();
                accepted.set(d.getFirst().intValue(), last + 1);
            }
            int flushes = counter.flushes() - before;
            LOG.info("{} durable transfers: {} flushes by the AMQP handler, {} flow frames", BURST, flushes, flows);
            assertThat(flushes).as("flushes for %s dispositions", BURST).isLessThanOrEqualTo(BURST / 4);
        }
        assertThat(AmqpClients.messagesIn(broker, "flushed")).isEqualTo(BURST);
    }

    /** {@code n} unsettled transfers of durable messages, encoded back to back for one write. */
    private static byte[] transfers(int n) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            Message m = Message.Factory.create();
            m.setDurable(true);
            m.setBody(new AmqpValue("message " + i));
            byte[] buffer = new byte[256];
            int length = m.encode(buffer, 0, buffer.length);
            byte[] payload = java.util.Arrays.copyOf(buffer, length);
            Transfer t = new Transfer();
            t.setHandle(UnsignedInteger.ZERO);
            t.setDeliveryId(UnsignedInteger.valueOf(i));
            t.setDeliveryTag(new Binary(ByteBuffer.allocate(4).putInt(i).array()));
            t.setMessageFormat(UnsignedInteger.ZERO);
            t.setSettled(false);
            all.writeBytes(RawAmqpClient.encode(RawAmqpClient.AMQP_FRAME, 0, t, payload));
        }
        return all.toByteArray();
    }
}
