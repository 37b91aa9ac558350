package io.ferrymq.stomp;

import io.ferrymq.core.api.OwedCredit;
import io.ferrymq.core.message.Message;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.stomp.codec.FrameWriter;
import io.netty.channel.ChannelFutureListener;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One SUBSCRIBE of a connection: its core subscription and the messages awaiting the client's ACK. */
final class StompSubscription {

    final String id;
    final AckMode ack;
    final Subscription core;
    /** The durable subscription queue, deleted by an UNSUBSCRIBE that asks for it. */
    final String durableQueue;
    /** Unacknowledged deliveries by ack id, in delivery order. */
    private final LinkedHashMap<String, Delivery> unacked = new LinkedHashMap<>();
    /** Auto mode: credit of frames written to the socket, given back in batches of half the prefetch window. */
    final OwedCredit owedCredit;
    /** Set by {@code StompSubscriptions} at the first auto-acknowledged delivery; used on the event loop only. */
    ChannelFutureListener creditOnWrite;
    /**
     * Cancelled (UNSUBSCRIBE or DISCONNECT) while its queue may still hand out messages: until the core
     * subscription has closed, settled deliveries still go to the client, since nothing can take them back.
     */
    boolean cancelling;
    /** This subscription's {@code subscription} header line, escaped once for the connection's version. */
    private byte[] subscriptionLine;
    /** The {@code destination} line of the last delivery, and what it was made from: most deliveries repeat it. */
    private byte[] destinationLine;
    private String destinationAddress;
    private String destinationKey;

    StompSubscription(String id, AckMode ack, Subscription core, String durableQueue, int window) {
        this.id = id;
        this.ack = ack;
        this.core = core;
        this.durableQueue = durableQueue;
        this.owedCredit = new OwedCredit(core, window / 2);
    }

    /** The escaping is the connection's, fixed at CONNECT, so one line serves every frame of the subscription. */
    byte[] subscriptionLine(FrameWriter w) {
        byte[] line = subscriptionLine;
        if (line == null) {
            line = w.headerLine("subscription", id);
            subscriptionLine = line;
        }
        return line;
    }

    byte[] destinationLine(Message m, FrameWriter w) {
        if (destinationLine == null || !m.address().equals(destinationAddress) || !m.routingKey().equals(destinationKey)) {
            destinationLine = w.headerLine("destination", StompDestination.describe(m.address(), m.routingKey()));
            destinationAddress = m.address();
            destinationKey = m.routingKey();
        }
        return destinationLine;
    }

    void awaitAck(String ackId, Delivery d) {
        unacked.put(ackId, d);
    }

    /**
     * Takes the deliveries an ACK or NACK of {@code ackId} settles: that one alone, or in client mode
     * it and every earlier one.
     */
    List<Map.Entry<String, Delivery>> settle(String ackId) {
        List<Map.Entry<String, Delivery>> out = new ArrayList<>();
        if (ack == AckMode.CLIENT) {
            Iterator<Map.Entry<String, Delivery>> it = unacked.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Delivery> e = it.next();
                out.add(Map.entry(e.getKey(), e.getValue()));
                it.remove();
                if (e.getKey().equals(ackId)) {
                    break;
                }
            }
        } else {
            Delivery d = unacked.remove(ackId);
            if (d != null) {
                out.add(Map.entry(ackId, d));
            }
        }
        return out;
    }

    Iterable<String> pendingAckIds() {
        return List.copyOf(unacked.keySet());
    }
}
