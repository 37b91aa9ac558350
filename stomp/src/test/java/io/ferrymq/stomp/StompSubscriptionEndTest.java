package io.ferrymq.stomp;

import io.ferrymq.transport.testing.EmbeddedBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-acknowledged messages are settled as the queue hands them out, so when a subscription ends
 * (UNSUBSCRIBE, DISCONNECT) with messages on their way, those must still reach the client: nothing else can
 * take them back. And a new subscription gets every message, including those its queue hands out at once.
 */
class StompSubscriptionEndTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = EmbeddedBrokerExtension.builder()
            .protocol(b -> new StompProtocol(b, StompSettings.defaults()))
            .tcp("stomp", StompProtocol.NAME)
            .websocket("ws", StompProtocol.NAME)
            .build();

    @Test
    void autoAckMessagesOnTheirWayAtUnsubscribeReachTheClientOrStayQueued() throws Exception {
        int total = 3_000;
        fill("backlog", total);
        try (RawStompClient consumer = new RawStompClient(broker.port("stomp")).connect()) {
            consumer.send("SUBSCRIBE\nid:s\ndestination:/queue/backlog\nack:auto\nprefetch-count:1000\n\n\0");
            assertThat(consumer.read().command()).isEqualTo("MESSAGE");
            consumer.send("UNSUBSCRIBE\nid:s\nreceipt:gone\n\n\0");
            int received = 1 + messagesUntilReceipt(consumer, "gone");

            long left = broker.broker().vhost("/").queue("backlog").exactStats().join().ready();
            assertThat(received + left).as("received %d, left in the queue %d", received, left).isEqualTo(total);
        }
    }

    @Test
    void messagesSentAfterTheDisconnectReceiptGoToTheNextSubscriber() throws Exception {
        try (RawStompClient first = new RawStompClient(broker.port("stomp")).connect()) {
            first.send("SUBSCRIBE\nid:s\ndestination:/queue/handover\nack:auto\nreceipt:sub\n\n\0");
            assertThat(first.read().header("receipt-id")).isEqualTo("sub");
            first.send("DISCONNECT\nreceipt:bye\n\n\0");
            assertThat(first.read().header("receipt-id")).isEqualTo("bye");
        }
        int total = 200;
        fill("handover", total);
        try (RawStompClient next = new RawStompClient(broker.port("stomp")).connect()) {
            next.send("SUBSCRIBE\nid:s\ndestination:/queue/handover\nack:auto\n\n\0");
            for (int i = 0; i < total; i++) {
                RawStompClient.Frame f = next.read();
                assertThat(f.command()).isEqualTo("MESSAGE");
                assertThat(f.body()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void aFreshSubscriberOfABackloggedQueueGetsEveryMessage() throws Exception {
        for (int round = 0; round < 200; round++) {
            String queue = "ready-" + round;
            fill(queue, 20);
            try (RawStompClient consumer = new RawStompClient(broker.port("stomp")).connect()) {
                consumer.send("SUBSCRIBE\nid:s\ndestination:/queue/" + queue + "\nack:auto\n\n\0");
                for (int i = 0; i < 20; i++) {
                    assertThat(consumer.read().body()).as("round %d", round).isEqualTo("m" + i);
                }
            }
        }
    }

    /** Sends {@code n} persistent messages m0..m(n-1) and waits for the last one's receipt. */
    private void fill(String queue, int n) throws IOException {
        try (RawStompClient producer = new RawStompClient(broker.port("stomp")).connect()) {
            StringBuilder frames = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String body = "m" + i;
                frames.append("SEND\ndestination:/queue/").append(queue).append("\npersistent:true\ncontent-length:")
                        .append(body.getBytes(StandardCharsets.UTF_8).length)
                        .append(i == n - 1 ? "\nreceipt:filled" : "").append("\n\n").append(body).append('\0');
            }
            producer.send(frames.toString());
            assertThat(producer.read().header("receipt-id")).isEqualTo("filled");
        }
    }

    private static int messagesUntilReceipt(RawStompClient client, String receipt) throws IOException {
        int messages = 0;
        while (true) {
            RawStompClient.Frame f = client.read();
            if (f.command().equals("RECEIPT")) {
                assertThat(f.header("receipt-id")).isEqualTo(receipt);
                return messages;
            }
            assertThat(f.command()).isEqualTo("MESSAGE");
            messages++;
        }
    }
}
