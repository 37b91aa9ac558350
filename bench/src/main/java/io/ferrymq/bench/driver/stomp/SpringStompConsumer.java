package io.ferrymq.bench.driver.stomp;

import io.ferrymq.bench.driver.AckMode;
import io.ferrymq.bench.driver.ConsumerLink;
import io.ferrymq.bench.driver.ConsumerSpec;
import io.ferrymq.bench.driver.DriverErrors;
import io.ferrymq.bench.driver.Endpoint;
import io.ferrymq.bench.driver.MessageListener;
import io.ferrymq.bench.driver.Stamp;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;

import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A subscription that hands each MESSAGE's stamp to the listener and acknowledges per the ack mode.
 * Spring calls the frame handler sequentially per session, off the event loop, so acknowledging there
 * (a synchronous write) is safe.
 */
final class SpringStompConsumer implements ConsumerLink, StompFrameHandler {

    /** Prefetch headers of the brokers we compare with: ActiveMQ 5 and FerryMQ, RabbitMQ and FerryMQ. */
    static final String ACTIVEMQ_PREFETCH = "activemq.prefetchSize";
    static final String RABBITMQ_PREFETCH = "prefetch-count";

    private final StompSession session;
    private final ConsumerSpec spec;
    private final MessageListener listener;
    private final DriverErrors errors;
    private StompSession.Subscription subscription;
    /** Last unacknowledged message under cumulative acks: its ack id, message-id and subscription. */
    private StompHeaders pendingAck;
    private int sinceAck;

    private SpringStompConsumer(StompSession session, ConsumerSpec spec, MessageListener listener, DriverErrors errors) {
        this.session = session;
        this.spec = spec;
        this.listener = listener;
        this.errors = errors;
    }

    static SpringStompConsumer subscribe(StompSession session, Endpoint endpoint, ConsumerSpec spec,
                                         MessageListener listener, DriverErrors errors) throws Exception {
        SpringStompConsumer c = new SpringStompConsumer(session, spec, listener, errors);
        StompHeaders h = new StompHeaders();
        h.setDestination(endpoint.destination(spec.kind(), spec.destination()));
        h.setAck(spec.ackMode().stompName());
        if (spec.prefetch() > 0) {
            h.set(ACTIVEMQ_PREFETCH, Integer.toString(spec.prefetch()));
            h.set(RABBITMQ_PREFETCH, Integer.toString(spec.prefetch()));
        }
        endpoint.subscribeHeaders().forEach(h::set);
        h.setReceipt("sub-" + spec.id());
        CompletableFuture<Void> receipt = new CompletableFuture<>();
        synchronized (c) {
            c.subscription = session.subscribe(h, c);
        }
        c.subscription.addReceiptTask(() -> receipt.complete(null));
        c.subscription.addReceiptLostTask(() -> receipt.completeExceptionally(
                new IllegalStateException("no RECEIPT for the SUBSCRIBE to " + h.getDestination())));
        receipt.get(SpringStompDriver.CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return c;
    }

    @Override
    public Type getPayloadType(StompHeaders headers) {
        return byte[].class;
    }

    @Override
    public void handleFrame(StompHeaders headers, Object payload) {
        Stamp stamp = Stamp.parse(headers.getFirst(Stamp.PRODUCER), headers.getFirst(Stamp.SEQUENCE),
                headers.getFirst(Stamp.SENT));
        listener.onMessage(stamp, payload instanceof byte[] b ? b.length : 0);
        if (spec.ackMode() == AckMode.CLIENT_INDIVIDUAL) {
            ack(headers);
        } else if (spec.ackMode() == AckMode.CLIENT) {
            synchronized (this) {
                pendingAck = headers;
                if (++sinceAck < spec.ackEvery()) {
                    return;
                }
                sinceAck = 0;
                pendingAck = null;
            }
            ack(headers);
        }
    }

    private void ack(StompHeaders message) {
        StompHeaders ack = new StompHeaders();
        // STOMP 1.2 names the message by its 'ack' header; 1.1 by message-id and subscription. Send both.
        String ackId = message.getAck();
        ack.setId(ackId != null ? ackId : message.getMessageId());
        if (message.getMessageId() != null) {
            ack.setMessageId(message.getMessageId());
        }
        if (message.getSubscription() != null) {
            ack.setSubscription(message.getSubscription());
        }
        try {
            session.acknowledge(ack, true);
        } catch (RuntimeException e) {
            errors.report("consumer " + spec.id() + ": ACK failed: " + e);
        }
    }

    @Override
    public void close() {
        StompHeaders last;
        synchronized (this) {
            last = pendingAck;
            pendingAck = null;
        }
        if (session.isConnected()) {
            if (last != null) {
                ack(last);
            }
            try {
                subscription.unsubscribe();
            } catch (RuntimeException e) {
                errors.report("consumer " + spec.id() + ": UNSUBSCRIBE failed: " + e);
            }
            session.disconnect();
        }
    }
}
