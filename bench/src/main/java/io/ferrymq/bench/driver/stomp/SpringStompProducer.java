package io.ferrymq.bench.driver.stomp;

import io.ferrymq.bench.driver.Confirmation;
import io.ferrymq.bench.driver.OutgoingMessage;
import io.ferrymq.bench.driver.ProducerLink;
import io.ferrymq.bench.driver.Stamp;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;

/** Sends stamped SEND frames, each with a {@code receipt} header when a confirmation is wanted. */
final class SpringStompProducer implements ProducerLink {

    private final StompSession session;
    private final String destination;
    private long receipts;

    SpringStompProducer(StompSession session, String destination) {
        this.session = session;
        this.destination = destination;
    }

    @Override
    public void send(OutgoingMessage message, Confirmation confirmation) {
        StompHeaders h = new StompHeaders();
        h.setDestination(destination);
        if (message.persistent()) {
            h.set("persistent", "true");
        }
        Stamp s = message.stamp();
        h.set(Stamp.PRODUCER, Integer.toString(s.producer()));
        h.set(Stamp.SEQUENCE, Long.toString(s.sequence()));
        h.set(Stamp.SENT, Long.toString(s.sentNanos()));
        if (confirmation != null) {
            h.setReceipt("s-" + (++receipts));
        }
        StompSession.Receiptable r = session.send(h, message.body());
        if (confirmation != null) {
            r.addReceiptTask(confirmation::confirmed);
            r.addReceiptLostTask(() -> confirmation.failed("no RECEIPT within the time limit"));
        }
    }

    @Override
    public void close() {
        if (session.isConnected()) {
            session.disconnect();
        }
    }
}
