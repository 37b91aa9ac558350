package io.ferrymq.server;

import io.ferrymq.core.atrest.AtRestKey;
import io.ferrymq.ha.HaNode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.ferrymq.server.InProcessPair.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An HA pair whose members have different at-rest keys: the active ships plain entries, the standby's journal
 * is encrypted with the standby's own key, and after a failover every confirmed message is read back from it.
 */
class HaEncryptionAtRestTest {

    private static final String SECRET = "ha-secret-invoice";

    @TempDir
    Path dir;

    private static List<Path> journalFiles(Path journal) throws Exception {
        try (Stream<Path> s = Files.list(journal)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    /** The key id in a journal segment's header (format 2: after magic, version and segment id). */
    private static byte[] keyId(Path segment) throws Exception {
        try (FileChannel ch = FileChannel.open(segment)) {
            ByteBuffer head = ByteBuffer.allocate(16 + AtRestKey.ID_BYTES);
            ch.read(head, 0);
            assertThat(head.getInt(4)).as("format of %s", segment).isEqualTo(2);
            return Arrays.copyOfRange(head.array(), 16, 16 + AtRestKey.ID_BYTES);
        }
    }

    @Test
    void theStandbyEncryptsWithItsOwnKeyAndServesEveryConfirmedMessageAfterAFailover() throws Exception {
        AtRestKey keyA = AtRestKey.generate(dir.resolve("a.key"));
        AtRestKey keyB = AtRestKey.generate(dir.resolve("b.key"));
        int sent = 100;
        try (InProcessPair pair = new InProcessPair(dir, null, dir.resolve("a.key"), dir.resolve("b.key"))
                .startInSync()) {
            JmsConnectionFactory onA = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + pair.a.port("amqp"));
            try (JMSContext jms = onA.createContext()) {
                Queue queue = jms.createQueue("invoices");
                for (int i = 0; i < sent; i++) {
                    jms.createProducer().send(queue, SECRET + "-" + i);
                }
            }
            Path journalB = dir.resolve("node-b").resolve("journal");
            List<Path> standbyFiles = journalFiles(journalB);
            assertThat(standbyFiles).isNotEmpty();
            for (Path f : standbyFiles) {
                assertThat(keyId(f)).as("%s is encrypted with node-b's key", f).isEqualTo(keyB.id());
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
            }
            for (Path f : journalFiles(dir.resolve("node-a").resolve("journal"))) {
                assertThat(keyId(f)).isEqualTo(keyA.id());
            }

            pair.nodeA.close();
            await().atMost(WAIT).until(() -> pair.nodeB.role() == HaNode.Role.ACTIVE);
            Set<String> received = new HashSet<>();
            JmsConnectionFactory onB = new JmsConnectionFactory("guest", "guest",
                    "amqp://127.0.0.1:" + pair.b.port("amqp"));
            try (JMSContext jms = onB.createContext(); JMSConsumer consumer = jms.createConsumer(jms.createQueue("invoices"))) {
                TextMessage m;
                while ((m = (TextMessage) consumer.receive(5_000)) != null) {
                    received.add(m.getText());
                }
            }
            assertThat(received).hasSize(sent).contains(SECRET + "-0", SECRET + "-" + (sent - 1));
        }
    }
}
