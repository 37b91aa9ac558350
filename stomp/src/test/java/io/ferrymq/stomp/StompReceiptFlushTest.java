package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import io.ferrymq.transport.testing.FlushCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RECEIPTs are written without a flush each and flushed once per read batch or batch of completions: a burst of
 * receipted SENDs still gets every RECEIPT, in far fewer flushes. The flushes are counted between the STOMP
 * connection handler and its encoder, so the count is the handler's, not what the socket coalesced.
 */
class StompReceiptFlushTest {

    private static final Logger LOG = LoggerFactory.getLogger(StompReceiptFlushTest.class);
    private static final int BURST = 200;

    private final FlushCounter counter = new FlushCounter();

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> counter.around(new StompProtocol(b, StompSettings.defaults()), "stomp"))
            .tcp("stomp", StompProtocol.NAME)
            .build();

    private static String burst(String destination, String transaction) {
        StringBuilder frames = new StringBuilder();
        for (int i = 0; i < BURST; i++) {
            frames.append("SEND\ndestination:").append(destination).append('\n');
            if (transaction != null) {
                frames.append("transaction:").append(transaction).append('\n');
            }
            frames.append("receipt:r-").append(i).append("\n\nmessage ").append(i).append('\0');
        }
        return frames.toString();
    }

    private static void expectReceipts(RawStompClient c) throws Exception {
        Set<String> receipts = new HashSet<>();
        for (int i = 0; i < BURST; i++) {
            RawStompClient.Frame f = c.read();
            assertThat(f.command()).isEqualTo("RECEIPT");
            receipts.add(f.header("receipt-id"));
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < BURST; i++) {
            expected.add("r-" + i);
        }
        assertThat(receipts).isEqualTo(expected);
    }

    @Test
    void aBurstOfReceiptedSendsGetsEveryReceipt() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            int before = counter.flushes();
            c.send(burst("/queue/receipted", null));
            expectReceipts(c);
            LOG.info("{} receipted SENDs (stored, each completing on its own): {} flushes by the STOMP handler", BURST,
                    counter.flushes() - before);
            c.send("DISCONNECT\nreceipt:bye\n\n\0");
            assertThat(c.read().header("receipt-id")).isEqualTo("bye");
        }
        assertThat(broker.broker().vhost("/").queue("receipted").exactStats().join().total()).isEqualTo(BURST);
    }

    @Test
    void receiptsWrittenWhileReadingAreFlushedOncePerReadBatch() throws Exception {
        try (RawStompClient c = new RawStompClient(broker.port("stomp")).connect()) {
            c.send("BEGIN\ntransaction:t1\nreceipt:begun\n\n\0");
            assertThat(c.read().header("receipt-id")).isEqualTo("begun");
            int flushesBefore = counter.flushes();
            int readsBefore = counter.readBatches();

            // Sends in a transaction are held until COMMIT, so each RECEIPT is written as its SEND is read.
            c.send(burst("/queue/held", "t1"));
            expectReceipts(c);

            int flushes = counter.flushes() - flushesBefore;
            int readBatches = counter.readBatches() - readsBefore;
            LOG.info("{} receipted SENDs in a transaction: {} flushes by the STOMP handler over {} read batches", BURST,
                    flushes, readBatches);
            assertThat(flushes).as("flushes of %s receipts read in %s batches", BURST, readBatches)
                    .isLessThanOrEqualTo(readBatches);
            c.send("COMMIT\ntransaction:t1\nreceipt:committed\n\n\0");
            assertThat(c.read().header("receipt-id")).isEqualTo("committed");
        }
    }
}
