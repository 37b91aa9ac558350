package io.ferrymq.core.api;

import io.ferrymq.core.queue.Subscription;

/**
 * Credit an adapter owes a subscription for deliveries the core settled on hand-out (STOMP {@code ack:auto},
 * MQTT QoS 0): each one's credit comes back once its frame reached the socket, so a slow reader holds back
 * deliveries; and it comes back in batches, not as one core round trip per message. Adapters give back what is
 * owed when a batch fills ({@link #owe} says so) and after each flush of their writes, so a consumer never stalls
 * with credit held back.
 *
 * <p>Not thread-safe: owned by the connection's event loop, like the writes it counts.
 */
public final class OwedCredit {

    private final Subscription subscription;
    private final int batch;
    private int owed;

    /**
     * @param batch deliveries' credit held back at most before {@link #owe} asks for it to be given back; a
     *              fraction of the subscription's window, so that the rest of the window keeps messages coming
     */
    public OwedCredit(Subscription subscription, int batch) {
        this.subscription = subscription;
        this.batch = Math.max(1, batch);
    }

    /** One delivery reached the socket. Returns true when a batch is owed and should be given back now. */
    public boolean owe() {
        return ++owed >= batch;
    }

    /** Gives back whatever is owed. */
    public void giveBack() {
        if (owed > 0) {
            int n = owed;
            owed = 0;
            subscription.credit(n);
        }
    }

    public int owed() {
        return owed;
    }
}
