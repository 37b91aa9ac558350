package io.ferrymq.core.api;

import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Outcome;

import java.util.ArrayList;
import java.util.List;

/**
 * A transaction: sends and settlements that take effect together at commit, or not at all. Messages
 * sent in it are invisible until the commit is safe; deliveries settled in it stay with their consumer
 * until then, and a rollback puts them back in their queues as redeliveries.
 */
public final class Tx {

    enum State { OPEN, ENDED }

    record PendingSend(Route route, io.ferrymq.core.message.Message message) { }

    /** A settlement waiting for commit; {@code held} completes once the queue has claimed the delivery. */
    record PendingSettle(Delivery delivery, Outcome outcome, java.util.concurrent.CompletableFuture<Void> held) { }

    private final long id;
    final List<PendingSend> sends = new ArrayList<>();
    final List<PendingSettle> settles = new ArrayList<>();
    State state = State.OPEN;

    Tx(long id) {
        this.id = id;
    }

    public long id() {
        return id;
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    public int size() {
        return sends.size() + settles.size();
    }

    @Override
    public String toString() {
        return "transaction " + id;
    }
}
