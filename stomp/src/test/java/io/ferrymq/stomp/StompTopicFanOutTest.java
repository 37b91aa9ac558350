package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topic message fanned out to many STOMP subscribers is encoded once per version and shared: every subscriber
 * still gets the same body and headers, with its own subscription, message-id and ack, in every version and ack
 * mode, and its ack ids acknowledge what it received.
 */
class StompTopicFanOutTest {

    private static final int MESSAGES = 5;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .build();

    /** One subscriber: its version, ack mode and subscription id as sent and as it reads back on the wire. */
    private record Subscriber(String version, String ack, String id, String idOnWire) {
        boolean acks() {
            return !ack.equals("auto");
        }
    }

    private RawStompClient connect(String version) throws Exception {
        RawStompClient c = new RawStompClient(broker.port("stomp"));
        c.send("CONNECT\naccept-version:" + version + "\nhost:localhost\nlogin:admin\npasscode:secret\n\n\0");
        assertThat(c.read().command()).isEqualTo("CONNECTED");
        return c;
    }

    @Test
    void everySubscriberGetsTheSameBodyWithItsOwnHeaders() throws Exception {
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            subscribers.add(new Subscriber("1.2", i % 2 == 0 ? "client-individual" : "auto", "fan-" + i, "fan-" + i));
        }
        // Escaped per connection: the cached subscription line is the connection's, not the shared part's.
        subscribers.add(new Subscriber("1.2", "client", "fan:colon", "fan\\ccolon"));
        subscribers.add(new Subscriber("1.1", "client", "fan-11", "fan-11"));
        subscribers.add(new Subscriber("1.1", "auto", "fan-11-auto", "fan-11-auto"));
        subscribers.add(new Subscriber("1.0", "auto", "fan-10", "fan-10"));

        List<RawStompClient> clients = new ArrayList<>();
        try {
            for (Subscriber s : subscribers) {
                RawStompClient c = connect(s.version());
                clients.add(c);
                c.send("SUBSCRIBE\ndestination:/topic/fan\nid:" + s.idOnWire() + "\nack:" + s.ack()
                        + "\nreceipt:subscribed\n\n\0");
                assertThat(c.read().header("receipt-id")).isEqualTo("subscribed");
            }
            List<String> bodies = new ArrayList<>();
            Random random = new Random(19);
            try (RawStompClient producer = new RawStompClient(broker.port("stomp")).connect()) {
                for (int m = 0; m < MESSAGES; m++) {
                    StringBuilder body = new StringBuilder("m" + m + " \u00e4\u2713 ");
                    for (int k = 0; k < 4000; k++) {
                        body.append((char) ('a' + random.nextInt(26)));
                    }
                    bodies.add(body.toString());
                    producer.send("SEND\ndestination:/topic/fan\ncontent-type:text/plain\nseq:" + m + "\nreceipt:s" + m
                            + "\n\n" + body + "\0");
                    assertThat(producer.read().header("receipt-id")).isEqualTo("s" + m);
                }
            }

            for (int i = 0; i < subscribers.size(); i++) {
                Subscriber s = subscribers.get(i);
                RawStompClient c = clients.get(i);
                Set<String> messageIds = new HashSet<>();
                String lastMessageId = null;
                for (int m = 0; m < MESSAGES; m++) {
                    RawStompClient.Frame f = c.read();
                    assertThat(f.command()).isEqualTo("MESSAGE");
                    assertThat(f.body()).as("body of message %s to %s", m, s).isEqualTo(bodies.get(m));
                    assertThat(f.header("subscription")).as("subscription of %s", s).isEqualTo(s.idOnWire());
                    assertThat(f.header("destination")).isEqualTo("/topic/fan");
                    assertThat(f.header("seq")).isEqualTo(Integer.toString(m));
                    assertThat(f.header("content-type")).isEqualTo("text/plain");
                    assertThat(f.header("redelivered")).isEqualTo("false");
                    String messageId = f.header("message-id");
                    assertThat(messageIds.add(messageId)).as("message-id %s is unique on its connection", messageId)
                            .isTrue();
                    boolean ackHeader = s.acks() && s.version().equals("1.2");
                    assertThat(f.header("ack")).as("ack header of %s", s).isEqualTo(ackHeader ? messageId : null);
                    lastMessageId = messageId;
                }
                if (s.acks()) {
                    // The ids the frames carried are the ones the connection knows: acknowledging them works.
                    String idHeader = s.version().equals("1.2") ? "id" : "message-id";
                    String subscription = s.version().equals("1.2") ? "" : "subscription:" + s.idOnWire() + "\n";
                    c.send("ACK\n" + idHeader + ":" + lastMessageId + "\n" + subscription + "receipt:acked\n\n\0");
                    RawStompClient.Frame receipt = c.read();
                    assertThat(receipt.command()).as("answer to the ACK of %s", s).isEqualTo("RECEIPT");
                    assertThat(receipt.header("receipt-id")).isEqualTo("acked");
                }
            }
        } finally {
            for (RawStompClient c : clients) {
                c.close();
            }
        }
    }

    /**
     * Three subscribers of each version (so each version's part is shared by two deliveries at least) get one
     * message whose header needs escaping: 1.0 carries it as it is, 1.1 and 1.2 escape the colon and backslash,
     * each from its own version's shared part; per-delivery lines stay the connection's own.
     */
    @Test
    void subscribersOfEachVersionGetTheirVersionsEscapingFromTheSharedPart() throws Exception {
        List<Subscriber> subscribers = new ArrayList<>();
        for (String version : List.of("1.0", "1.1", "1.2")) {
            for (int i = 0; i < 3; i++) {
                String ack = i == 0 ? "auto" : "client-individual";
                subscribers.add(new Subscriber(version, ack, "v" + version + "-" + i, "v" + version + "-" + i));
            }
        }
        subscribers.add(new Subscriber("1.2", "client", "id:with\\colon", "id\\cwith\\\\colon"));
        List<RawStompClient> clients = new ArrayList<>();
        try {
            for (Subscriber s : subscribers) {
                RawStompClient c = connect(s.version());
                clients.add(c);
                String id = s.version().equals("1.0") ? s.id() : s.idOnWire();
                c.send("SUBSCRIBE\ndestination:/topic/escapes\nid:" + id + "\nack:" + s.ack()
                        + "\nreceipt:subscribed\n\n\0");
                assertThat(c.read().header("receipt-id")).isEqualTo("subscribed");
            }
            // Past StompMessageFrames.COMPOSE_FROM, so the later deliveries carry the shared part by reference.
            String body = "body \u00e4 with:colon and \\backslash " + "x".repeat(StompMessageFrames.COMPOSE_FROM);
            try (RawStompClient producer = new RawStompClient(broker.port("stomp")).connect()) {
                producer.send("SEND\ndestination:/topic/escapes\nnote:a\\cb\\\\c\nreceipt:sent\n\n" + body + "\0");
                assertThat(producer.read().header("receipt-id")).isEqualTo("sent");
            }
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < subscribers.size(); i++) {
                Subscriber s = subscribers.get(i);
                RawStompClient.Frame f = clients.get(i).read();
                assertThat(f.command()).isEqualTo("MESSAGE");
                assertThat(f.body()).as("body to %s", s).isEqualTo(body);
                assertThat(f.header("note")).as("note to %s", s)
                        .isEqualTo(s.version().equals("1.0") ? "a:b\\c" : "a\\cb\\\\c");
                assertThat(f.header("subscription")).as("subscription of %s", s)
                        .isEqualTo(s.version().equals("1.0") ? s.id() : s.idOnWire());
                assertThat(f.header("destination")).isEqualTo("/topic/escapes");
                boolean ackHeader = s.acks() && s.version().equals("1.2");
                assertThat(f.header("ack")).as("ack header of %s", s)
                        .isEqualTo(ackHeader ? f.header("message-id") : null);
                ids.add(s.version() + "/" + f.header("message-id") + "/" + i);
            }
            assertThat(ids).hasSize(subscribers.size());
        } finally {
            for (RawStompClient c : clients) {
                c.close();
            }
        }
    }
}
