package io.ferrymq.core.testing;

import io.ferrymq.core.BrokerException;
import io.ferrymq.core.queue.Delivery;
import io.ferrymq.core.queue.Subscription;
import io.ferrymq.core.session.DeliverySink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** A delivery sink that records what arrives, on the caller's thread (fully synchronous tests). */
public final class RecordingSink implements DeliverySink {

    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> closures = new ArrayList<>();
    private int flushes;

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public synchronized void deliver(Delivery delivery) {
        deliveries.add(delivery);
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    @Override
    public synchronized void subscriptionClosed(Subscription subscription, BrokerException reason) {
        closures.add(reason.getMessage());
    }

    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Returns and forgets what arrived so far. */
    public synchronized List<Delivery> take() {
        List<Delivery> out = List.copyOf(deliveries);
        deliveries.clear();
        return out;
    }

    public synchronized List<String> bodies() {
        return deliveries.stream().map(d -> new String(d.message().body(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    public synchronized List<String> closures() {
        return List.copyOf(closures);
    }

    public synchronized int flushes() {
        return flushes;
    }
}
